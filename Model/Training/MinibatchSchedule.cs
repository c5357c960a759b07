namespace NeuralProgrammer.Model.Training;

/// <summary>
/// Which training examples update u uses: each epoch is a permutation of the N examples drawn from (seed, epoch), cut
/// into consecutive batches of B; with K workers, worker k takes the k-th of K near-equal slices of that batch. So a run
/// on K workers with B/K each sees exactly the examples of a single-process run with batch B (docs/architecture.md 2.2 point 8).
/// </summary>
public sealed class MinibatchSchedule
{
    readonly int seed;
    int cachedEpoch = -1;
    int[] permutation = [];

    public int ExampleCount { get; }
    public int BatchSize { get; }
    public int UpdatesPerEpoch => ExampleCount / BatchSize;

    public MinibatchSchedule(int exampleCount, int batchSize, int seed)
    {
        if (exampleCount < 1) throw new ArgumentOutOfRangeException(nameof(exampleCount), exampleCount, "needs at least one example");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be positive");
        if (batchSize > exampleCount)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"is larger than the {exampleCount} training examples");
        ExampleCount = exampleCount;
        BatchSize = batchSize;
        this.seed = seed;
    }

    /// <summary>The example indices of update <paramref name="update"/> for worker <paramref name="worker"/> of <paramref name="workers"/>.</summary>
    public int[] Indices(long update, int worker = 0, int workers = 1)
    {
        if (workers < 1 || worker < 0 || worker >= workers) throw new ArgumentOutOfRangeException(nameof(worker), $"worker {worker} of {workers}");
        int epoch = (int)(update / UpdatesPerEpoch);
        int start = (int)(update % UpdatesPerEpoch) * BatchSize;
        if (epoch != cachedEpoch)
        {
            permutation = Enumerable.Range(0, ExampleCount).ToArray();
            new Random(unchecked(seed * 1_000_003 + epoch * 7_919 + 17)).Shuffle(permutation); // not HashCode: it is salted per process
            cachedEpoch = epoch;
        }
        int from = start + BatchSize * worker / workers, to = start + BatchSize * (worker + 1) / workers;
        return permutation[from..to];
    }
}
