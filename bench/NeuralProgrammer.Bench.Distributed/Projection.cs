using System.Globalization;

/// <summary>
/// The saturation projection of Grains/README.md ("Planning a cluster (projection)"), from the plan bench's inputs
/// measured on loopback. N machines, one worker each (compute C a step), S shards on S of them (shard s beside worker
/// s, as the placement hints put them), full-duplex links of B Gbit/s. A step is a pull phase and a push phase; in each,
/// the busiest machine moves V = (N − 1)·P/S bytes (a shard's slices to or from the N − 1 other workers; a worker's own
/// P·(S − 1)/S is never more) and handles (N − 1)/S calls as a shard plus S − 1 as a worker:
/// <code>
/// step = C + 2·(V/B' + V·t) + 2·((N − 1)/S + S − 1)·L + 5·R + U/S
/// </code>
/// B' = B × 0.94 (TCP/IP headers), t = the measured time of one whole vector between two processes per byte
/// (serialization, the loopback socket and the receiver's new array: counted in full, as if nothing overlapped the wire),
/// L = the measured round trip of a small grain call (taken as each call's CPU), R = one network round trip (0.1 ms
/// assumed; 5 a step: the step call, pull, push, reduce, apply), U = the measured update of the whole vector by one
/// shard. "wire only" drops V·t: serialization overlapped with the wire on spare cores.
/// </summary>
static class Projection
{
    const double PayloadShare = 0.94;
    const double NetworkRoundTripMs = 0.1;
    const int MaxMachines = 4096;
    static readonly double[] Bandwidths = [1, 10, 25];
    static readonly double[] Thresholds = [0.8, 0.5];

    public static void Print(double compute, int vectorBytes, double smallCallMs, double vectorMs, double updateMs)
    {
        Console.WriteLine();
        Console.WriteLine($"projection (a model fed with the loopback figures above; see Grains/README.md): C = {compute:F0} ms, P = {vectorBytes / 1e6:F2} MB, " +
                          $"t = {vectorMs / (vectorBytes / 1e6):F2} ms/MB, L = {smallCallMs:F3} ms, R = {NetworkRoundTripMs} ms, U = {updateMs:F1} ms");
        Console.WriteLine("largest N machines (one worker each) whose efficiency C / step stays at or above 80% and 50% (none: not even one machine);");
        Console.WriteLine("best S: for each N the S <= N with the shortest step, and in brackets the S of the largest N at 50%");
        Console.WriteLine($"{"Gbit/s",6} {"model",13} {"S = 1",13} {"S = N",13} {"best S",19}   (each: N at 80% / N at 50%)");
        foreach (var bandwidth in Bandwidths)
        {
            foreach (var (model, serialized) in new[] { ("as measured", true), ("wire only", false) })
            {
                double Step(int machines, int shards) => StepMs(machines, shards, bandwidth, serialized, compute, vectorBytes, smallCallMs, vectorMs, updateMs);
                string Largest(Func<int, double> step, double threshold)
                {
                    int largest = 0;
                    for (int n = 1; n <= MaxMachines && compute / step(n) >= threshold; n++) largest = n;
                    return largest switch { 0 => "none", MaxMachines => $">{MaxMachines}", _ => largest.ToString(CultureInfo.InvariantCulture) };
                }
                string Pair(Func<int, double> step) => $"{Largest(step, Thresholds[0]),5} / {Largest(step, Thresholds[1]),-5}";
                // The best S for each N, and the S that goes with the largest N at 50%.
                int BestShards(int n) => Enumerable.Range(1, n).MinBy(s => Step(n, s));
                double Best(int n) => Step(n, BestShards(n));
                var atHalf = Largest(Best, Thresholds[1]);
                string bestS = int.TryParse(atHalf, out var n50) && n50 > 0 ? $" (S={BestShards(n50)})" : "";
                Console.WriteLine($"{bandwidth,6} {model,13} {Pair(n => Step(n, 1)),13} {Pair(n => Step(n, n)),13} {Pair(Best) + bestS,19}");
            }
        }
    }

    public static double StepMs(int machines, int shards, double bandwidthGbit, bool serialized,
        double compute, int vectorBytes, double smallCallMs, double vectorMs, double updateMs)
    {
        double bytes = (machines - 1) * (double)vectorBytes / shards; // the busiest machine, each way, each phase
        double wire = bytes / (bandwidthGbit * 1e9 / 8 * PayloadShare / 1000);
        double serialization = serialized ? bytes / vectorBytes * vectorMs : 0;
        double calls = (machines - 1.0) / shards + shards - 1;
        return compute + 2 * (wire + serialization) + 2 * calls * smallCallMs + 5 * NetworkRoundTripMs + updateMs / shards;
    }
}
