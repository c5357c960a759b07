using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>What a checkpoint says besides its tensors: enough to rebuild the run and check that it fits.</summary>
public sealed record CheckpointHeader(
    TrainingSpec Spec,
    long Updates,
    double ElapsedSeconds,
    IReadOnlyList<string> Operations,
    IReadOnlyList<string> Vocabulary,
    IReadOnlyList<ParameterShape> Parameters,
    IReadOnlyList<CurvePoint> Curve);

public sealed record ParameterShape(string Name, long[] Shape);

/// <summary>
/// Save and resume a training run exactly: one file holding a JSON header and a safetensors block with the flat weights
/// and Adam's two moments. Data, minibatch order and noise are functions of the seed and update count, so nothing else is
/// needed. <see cref="ExportForPyTorch"/> writes the weights by parameter name for PyTorch users.
/// </summary>
public static class Checkpoint
{
    static readonly byte[] Magic = "NPCKPT01"u8.ToArray();

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(Trainer trainer, string path) =>
        Save(path, trainer.Spec, trainer.Network, trainer.Update.Updates, trainer.Elapsed, trainer.Update.Weights,
            trainer.Update.FirstMoment, trainer.Update.SecondMoment, trainer.Curve);

    /// <summary>Writes a checkpoint from its parts, e.g. a cluster job's weights and Adam moments.</summary>
    public static void Save(string path, TrainingSpec spec, long updates, TimeSpan elapsed, Tensor weights, Tensor firstMoment,
        Tensor secondMoment, IReadOnlyList<CurvePoint> curve)
    {
        using var network = Replica.CreateNetwork(spec); // only for its layout: the weights are the given ones
        Save(path, spec, network, updates, elapsed, weights, firstMoment, secondMoment, curve);
    }

    static void Save(string path, TrainingSpec spec, NeuralProgrammerNetwork network, long updates, TimeSpan elapsed, Tensor weights,
        Tensor firstMoment, Tensor secondMoment, IReadOnlyList<CurvePoint> curve)
    {
        var header = new CheckpointHeader(spec, updates, elapsed.TotalSeconds,
            network.Operations.Select(o => o.ToString()).ToList(), Data.Vocabulary.All.Words.ToList(),
            ParameterVector.Layout(network).Select(p => new ParameterShape(p.Name, p.Shape)).ToList(), curve.ToList());
        if (weights.numel() != ParameterVector.Count(network))
            throw new ArgumentException($"{weights.numel()} weights do not fit the model of this spec ({ParameterVector.Count(network)} parameters).");
        var tensors = new Dictionary<string, Tensor>
        {
            ["weights"] = weights.cpu(),
            ["adam_first_moment"] = firstMoment.cpu(),
            ["adam_second_moment"] = secondMoment.cpu(),
        };
        AtomicFile.Write(path, stream =>
        {
            WriteHeader(stream, header);
            Safetensors.SaveStateDict(stream, tensors, leaveOpen: true);
        });
    }

    /// <summary>A trainer at the checkpoint's update, ready to go on: the same run as if it had never stopped.</summary>
    public static Trainer Resume(string path, Func<TrainingSpec, TrainingSpec>? adjust = null, IProgress<(int Searched, int Groups)>? memorySearch = null)
    {
        var (header, tensors) = Read(path);
        var trainer = new Trainer(adjust is null ? header.Spec : adjust(header.Spec), memorySearch);
        CheckFits(header, trainer.Network, trainer.Vocabulary, path);
        trainer.Restore(tensors["weights"], tensors["adam_first_moment"], tensors["adam_second_moment"], header.Updates,
            header.Curve, TimeSpan.FromSeconds(header.ElapsedSeconds));
        foreach (var tensor in tensors.Values) tensor.Dispose();
        return trainer;
    }

    /// <summary>The trained network alone, for inference (no data is generated).</summary>
    public static (NeuralProgrammerNetwork Network, CheckpointHeader Header) LoadNetwork(string path)
    {
        var (header, tensors) = Read(path);
        var network = Replica.CreateNetwork(header.Spec);
        CheckFits(header, network, Data.Vocabulary.All, path);
        ParameterVector.SetWeights(network, tensors["weights"]);
        foreach (var tensor in tensors.Values) tensor.Dispose();
        return (network, header);
    }

    public static CheckpointHeader ReadHeader(string path) => Read(path, headerOnly: true).Header;

    /// <summary>
    /// Writes the weights as a PyTorch <c>state_dict</c>: <c>.safetensors</c> (safetensors.torch.load_file) or anything
    /// else as a pickled state_dict (torch.load). Names and shapes: <see cref="ParameterVector.Layout"/>.
    /// </summary>
    public static void ExportForPyTorch(NeuralProgrammerNetwork network, string path)
    {
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) AtomicFile.WriteVia(path, temporary => network.save_safetensors(temporary));
        else AtomicFile.WriteVia(path, temporary => network.save_py(temporary));
    }

    static void CheckFits(CheckpointHeader header, NeuralProgrammerNetwork network, Vocabulary vocabulary, string path)
    {
        var layout = ParameterVector.Layout(network);
        bool same = layout.Count == header.Parameters.Count && layout.Zip(header.Parameters)
            .All(p => p.First.Name == p.Second.Name && p.First.Shape.SequenceEqual(p.Second.Shape));
        if (!same)
            throw new InvalidDataException($"Checkpoint '{path}' was written by a model of another shape: " +
                                           string.Join(", ", header.Parameters.Select(p => $"{p.Name}[{string.Join('x', p.Shape)}]")));
        if (!header.Vocabulary.SequenceEqual(vocabulary.Words))
            throw new InvalidDataException($"Checkpoint '{path}' was written with another vocabulary ({header.Vocabulary.Count} words, this build has {vocabulary.Count}).");
    }

    static readonly string[] TensorNames = ["weights", "adam_first_moment", "adam_second_moment"];

    /// <summary>The header and tensors; a missing, foreign, truncated or corrupted file is an error that names the file and what is wrong.</summary>
    static (CheckpointHeader Header, Dictionary<string, Tensor> Tensors) Read(string path, bool headerOnly = false)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{path}'.", path);
        using var stream = File.OpenRead(path);
        var magic = new byte[Magic.Length];
        if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length || !magic.AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException($"'{path}' is not a Neural Programmer checkpoint.");
        var header = HeaderOf(stream, path);
        if (headerOnly) return (header, []);
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = Safetensors.LoadStateDict(stream, leaveOpen: true);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or ArgumentException or OverflowException or FormatException)
        {
            throw Damaged(path, $"its safetensors block cannot be read ({e.Message})", e);
        }
        long count = header.Parameters.Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
        var problem = TensorNames.Select(name => !tensors.TryGetValue(name, out var tensor) ? $"its safetensors block has no tensor '{name}'"
            : tensor.numel() != count ? $"its tensor '{name}' holds {tensor.numel()} values, its header's parameters {count}" : null).FirstOrDefault(p => p is not null);
        if (problem is null) return (header, tensors);
        foreach (var tensor in tensors.Values) tensor.Dispose();
        throw Damaged(path, problem);
    }

    static CheckpointHeader HeaderOf(Stream stream, string path)
    {
        var length = new byte[4];
        if (stream.ReadAtLeast(length, length.Length, throwOnEndOfStream: false) < length.Length) throw Damaged(path, "it ends before its header");
        int size = BitConverter.ToInt32(length);
        if (size <= 0 || size > stream.Length - stream.Position)
            throw Damaged(path, $"its header claims {size} bytes and {stream.Length - stream.Position} follow");
        var json = new byte[size];
        stream.ReadExactly(json);
        CheckpointHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<CheckpointHeader>(json, Json);
        }
        catch (JsonException e)
        {
            throw Damaged(path, $"its header is not valid JSON ({e.Message})", e);
        }
        return header is { Spec: not null, Operations: not null, Vocabulary: not null, Parameters: not null, Curve: not null }
            ? header
            : throw Damaged(path, "its header lacks the spec, operations, vocabulary, parameters or curve");
    }

    static InvalidDataException Damaged(string path, string problem, Exception? inner = null) =>
        new($"Checkpoint '{path}' is truncated or corrupted: {problem}. Train again, or use an earlier copy.", inner);

    static void WriteHeader(Stream stream, CheckpointHeader header)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        stream.Write(Magic);
        stream.Write(BitConverter.GetBytes(json.Length));
        stream.Write(json);
    }
}
