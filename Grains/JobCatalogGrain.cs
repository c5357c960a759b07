namespace NeuralProgrammer.Grains;

/// <summary>Keeps the ids of started jobs and sweeps in grain storage, so that <c>np list</c> survives silo restarts.</summary>
public sealed class JobCatalogGrain([PersistentState("catalog", "np")] IPersistentState<JobCatalogGrain.Entries> state) : Grain, IJobCatalogGrain
{
    [GenerateSerializer]
    public sealed class Entries
    {
        [Id(0)] public List<CatalogEntry> Items { get; set; } = [];
    }

    public async Task Add(CatalogEntry entry)
    {
        if (state.State.Items.Any(e => e.Id == entry.Id)) return;
        state.State.Items.Add(entry);
        await state.WriteStateAsync();
    }

    public Task<CatalogEntry[]> List() => Task.FromResult(state.State.Items.ToArray());
}
