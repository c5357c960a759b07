/// <summary>Where the bench's jobs train, and how their steps are measured there.</summary>
interface IBenchCluster : IAsyncDisposable
{
    IGrainFactory Grains { get; }

    /// <summary>The line that says what the cluster is.</summary>
    string Description { get; }

    IStepMeter Meter(string job, int warmup);

    /// <summary>Where the compute and communication means come from, given the steps each K timed.</summary>
    IEnumerable<string> MeansLegend(IEnumerable<(int K, long TimedSteps)> timed);

    /// <summary>What the cpu ms, gc ms and gen2 columns count.</summary>
    IEnumerable<string> CpuLegend { get; }

    /// <summary>Writes what the silos logged to stderr, where it does not go there already (the bench failed).</summary>
    void DumpLogs();
}
