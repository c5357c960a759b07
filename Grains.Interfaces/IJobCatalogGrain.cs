using Orleans.Concurrency;

namespace NeuralProgrammer.Grains;

/// <summary>
/// The list of training jobs and sweeps started on this cluster, for <c>np list</c>. One activation per cluster
/// (key <see cref="Key"/>); whoever starts a job or sweep records it here. It lists ids only: state and results stay
/// with the job and sweep grains.
/// </summary>
[Alias("np.IJobCatalogGrain")]
public interface IJobCatalogGrain : IGrainWithStringKey
{
    public const string Key = "catalog";

    [Alias("Add")]
    Task Add(CatalogEntry entry);

    [AlwaysInterleave, Alias("List")]
    Task<CatalogEntry[]> List();
}

/// <summary>A job or sweep as <c>np list</c> shows it: its id, kind (<c>job</c>, <c>sweep</c>, <c>trial</c>), what it trains and when it started.</summary>
[GenerateSerializer, Immutable, Alias("np.CatalogEntry")]
public sealed record CatalogEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Description,
    [property: Id(3)] DateTimeOffset Started);
