using System.Collections.Concurrent;
using Orleans.Storage;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>
/// Grain storage that lives as long as the test process, shared by all silos (a stand-in for Redis). A write can be
/// made to lose its reply (<see cref="LoseReplies"/>): stored, yet reported as timed out, as a Redis write is when the
/// answer comes too late.
/// </summary>
public sealed class ProcessGrainStorage(IGrainStorageSerializer serializer) : IGrainStorage
{
    static readonly ConcurrentDictionary<string, (BinaryData Data, string ETag)> Store = new();
    static readonly ConcurrentDictionary<string, int> LostReplies = new();

    /// <summary>The next <paramref name="writes"/> writes of the grain whose key ends with <paramref name="grainKey"/> are stored but throw a <see cref="TimeoutException"/>.</summary>
    public static void LoseReplies(string grainKey, int writes) => LostReplies[grainKey] = writes;

    /// <summary>The replies of <see cref="LoseReplies"/> still to lose.</summary>
    public static int RepliesToLose(string grainKey) => LostReplies.GetValueOrDefault(grainKey);

    public Task ReadStateAsync<T>(string grainType, GrainId grainId, IGrainState<T> grainState)
    {
        if (Store.TryGetValue(Key(grainType, grainId), out var entry))
        {
            grainState.State = serializer.Deserialize<T>(entry.Data);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string grainType, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(grainType, grainId);
        var etag = Guid.NewGuid().ToString("N");
        var data = serializer.Serialize(grainState.State);
        Store.AddOrUpdate(key,
            _ => grainState.ETag is null ? (data, etag) : throw new InconsistentStateException("ETag mismatch", "none", grainState.ETag),
            (_, old) => old.ETag == grainState.ETag ? (data, etag) : throw new InconsistentStateException("ETag mismatch", old.ETag, grainState.ETag ?? "none"));
        foreach (var (grainKey, left) in LostReplies)
            if (left > 0 && key.EndsWith(grainKey, StringComparison.Ordinal) && LostReplies.TryUpdate(grainKey, left - 1, left))
                throw new TimeoutException($"Injected: the reply to the write of {key} was lost");
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string grainType, GrainId grainId, IGrainState<T> grainState)
    {
        Store.TryRemove(Key(grainType, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    static string Key(string grainType, GrainId grainId) => $"{grainType}/{grainId}";
}
