using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using NeuralProgrammer.Grains;
using NeuralProgrammer.Model.Training;
using Orleans.Serialization;

/// <summary>
/// <c>bench-distributed --plan</c> (Grains/README.md, "Planning a cluster"): the communication of a step with the
/// model's compute replaced by a fixed delay (<see cref="TrainingJobOptions.SimulatedCompute"/>, set on the silos by
/// the caller) for every K × S, then the inputs of the projection measured on this cluster: the round trip of a small
/// grain call, a whole weight vector pulled from and pushed to a shard grain, and Orleans' serialization of one.
/// </summary>
static class PlanBench
{
    /// <summary>Warm-up and timed steps for K workers: fewer for large K, whose steps are long, to keep a run within minutes.</summary>
    public static (int Warmup, int Steps) StepsFor(int workers) => workers switch
    {
        <= 2 => (30, 120),
        <= 4 => (30, 100),
        <= 8 => (20, 80),
        <= 16 => (10, 50),
        _ => (10, 30),
    };

    public static async Task Run(IBenchCluster cluster, TimeSpan compute, int[] workerCounts, int[] shardCounts, Func<int, TrainingSpec> specFor)
    {
        // The JIT's tiers and the first activations, measured by nobody.
        await BenchJob.RunAsync(cluster, NewId("plan-warm"), JobSpecs.FromTrainingSpec(Planned(specFor(2), 2, 40), 2), 20);

        double delay = compute.TotalMilliseconds;
        Console.WriteLine();
        Console.WriteLine($"{"S",2} {"K",3} {"batch",6} {"steps",6} {"step ms",8} {"comm ms",8} {"update",7} {"MB/shard",9} {"MB/worker",10} {"eff",5} {"ex/s",7}");
        var efficiency = new Dictionary<(int S, int K), double>();
        var updates = new Dictionary<(int S, int K), double>();
        var jobs = new List<string>();
        foreach (var s in shardCounts)
        {
            foreach (var k in workerCounts)
            {
                var (warmup, steps) = StepsFor(k);
                var spec = Planned(specFor(k), s, warmup + steps);
                var id = NewId($"plan-s{s}-k{k}");
                var (figures, _) = await BenchJob.RunAsync(cluster, id, JobSpecs.FromTrainingSpec(spec, k), warmup);
                jobs.Add(id);
                double step = (figures.Compute + figures.Communication) * 1000;
                double bytes = figures.BytesSent + figures.BytesReceived; // over all shards, per step
                int batch = spec.HyperParameters.BatchSize;
                efficiency[(s, k)] = delay / step;
                updates[(s, k)] = figures.Compute * 1000 - delay;
                Console.WriteLine($"{s,2} {k,3} {batch,6} {figures.TimedSteps,6} {step,8:F1} {step - delay,8:F1} {figures.Compute * 1000 - delay,7:F1} " +
                                  $"{bytes / s / 1e6,9:F2} {bytes / k / 1e6,10:F2} {delay / step,5:P0} {batch / step * 1000,7:F0}");
            }
        }
        Console.WriteLine();
        Console.WriteLine($"efficiency ({delay:F0} ms / step): rows K, columns S");
        Console.WriteLine($"{"K",3} " + string.Join(" ", shardCounts.Select(s => $"{"S=" + s,6}")));
        foreach (var k in workerCounts)
            Console.WriteLine($"{k,3} " + string.Join(" ", shardCounts.Select(s => $"{efficiency[(s, k)],6:P0}")));
        Console.WriteLine();
        // Every S times the same steps for a K.
        foreach (var line in cluster.MeansLegend(workerCounts.Select(k => (k, (long)StepsFor(k).Steps)))) Console.WriteLine(line);
        Console.WriteLine($"step: compute + communication as the job measured them; comm ms: step - {delay:F0} ms (everything but the delay);");
        Console.WriteLine("update: the slowest shard's averaging, clipping, noise, Adam and packing plus the delay's overshoot; MB/shard: weights sent");
        Console.WriteLine("and gradients received per step by one shard grain (np_parameter_server_bytes_total over the job / S; 1 MB = 10^6 bytes);");
        Console.WriteLine($"MB/worker: the same per worker grain (/ K); eff: {delay:F0} ms / step; ex/s: batch / step.");

        var (smallCall, vectorMs, vectorBytes) = await Probe(cluster, Planned(specFor(1), 1, 1), jobs);
        // The update of the whole vector by one shard with one worker (the fewest shards and workers measured).
        double update = updates[(shardCounts.Min(), workerCounts.Min())] * shardCounts.Min();
        Projection.Print(delay, vectorBytes, smallCall, vectorMs, update);
    }

    static TrainingSpec Planned(TrainingSpec spec, int shards, int steps) =>
        spec with { Shards = shards, Steps = steps, EvaluateEvery = steps, TestExamples = 20 };

    static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>The projection's inputs: latency of a small call, time of a whole vector each way, serialization per MB.</summary>
    /// <returns>The median job's small-call round trip (ms), the median time of a whole vector pulled or pushed (ms), the vector's bytes.</returns>
    static async Task<(double SmallCall, double VectorMs, int VectorBytes)> Probe(IBenchCluster cluster, TrainingSpec spec, IReadOnlyList<string> jobs)
    {
        const int calls = 300, transfers = 40;
        Console.WriteLine();
        Console.WriteLine("projection inputs, from this process (a client of the cluster) to grains on the silos; medians:");

        // Small calls: GetStatus of finished jobs (a reply of a few hundred bytes), on whichever silo each job is.
        var small = new List<double>();
        foreach (var id in jobs.Take(8))
        {
            var job = cluster.Grains.GetGrain<ITrainingJobGrain>(id);
            for (int i = 0; i < 20; i++) await job.GetStatus();
            small.Add(Median(await Times(calls, () => job.GetStatus())));
        }
        small.Sort();
        Console.WriteLine($"  small call round trip (ITrainingJobGrain.GetStatus, {calls} calls to each of {small.Count} jobs): " +
                          $"fastest job {small[0]:F3} ms, median job {Median(small):F3} ms");

        // A whole weight vector (S = 1) each way, from shard grains of their own on whichever silo each lands.
        var assignment = new WorkerAssignment("", JobSpecs.FromTrainingSpec(spec, 1), 0, 1, "cpu");
        int vector = 0;
        var moves = new List<double>();
        for (int p = 0; p < 4; p++)
        {
            var id = NewId("plan-probe");
            var shard = cluster.Grains.GetGrain<IParameterShardGrain>(ShardKeys.For(id, 0));
            await shard.Initialize(new ShardInit(assignment with { JobId = id }, 0, 1, null));
            vector = (await shard.Pull(0)).Weights.Length;
            var gradient = new ShardGradient(0, 0, new byte[vector], spec.HyperParameters.BatchSize);
            for (int i = 0; i < 5; i++) await shard.Push(gradient);
            double pull = Median(await Times(transfers, () => shard.Pull(0)));
            double push = Median(await Times(transfers, () => shard.Push(gradient)));
            await shard.Release();
            moves.AddRange([pull, push]);
            Console.WriteLine($"  shard grain {p}: pull {vector / 1e6:F2} MB {pull:F1} ms ({vector / 1e3 / pull:F0} MB/s), push {push:F1} ms ({vector / 1e3 / push:F0} MB/s)");
        }

        // Orleans' serializer alone, one thread: a weight message written into a reused buffer and read back into a new array.
        var serializer = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(WeightsMessage).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>();
        var message = new WeightsMessage(0, new byte[vector]);
        var buffer = new ArrayBufferWriter<byte>(message.Weights.Length + 1024);
        double write = 0, read = 0, copy = 0;
        const int rounds = 60;
        for (int i = 0; i < rounds + 10; i++)
        {
            buffer.ResetWrittenCount();
            long started = Stopwatch.GetTimestamp();
            serializer.Serialize(message, buffer);
            long written = Stopwatch.GetTimestamp();
            var back = serializer.Deserialize<WeightsMessage>(buffer.WrittenMemory);
            long done = Stopwatch.GetTimestamp();
            if (back?.Weights.Length != message.Weights.Length) throw new InvalidOperationException("the serializer lost bytes");
            // What reading costs besides the format: a new array of the same size, and the copy into it.
            long copying = Stopwatch.GetTimestamp();
            var fresh = GC.AllocateUninitializedArray<byte>(message.Weights.Length);
            buffer.WrittenSpan[^fresh.Length..].CopyTo(fresh);
            long copied = Stopwatch.GetTimestamp();
            if (i < 10) continue;
            write += Stopwatch.GetElapsedTime(started, written).TotalMilliseconds;
            read += Stopwatch.GetElapsedTime(written, done).TotalMilliseconds;
            copy += Stopwatch.GetElapsedTime(copying, copied).TotalMilliseconds;
        }
        double megabytes = message.Weights.Length / 1e6;
        Console.WriteLine($"  Orleans serializer, {megabytes:F2} MB message, one thread: write {write / rounds / megabytes:F3} ms/MB, " +
                          $"read (into a new array) {read / rounds / megabytes:F3} ms/MB; a new array and a copy alone {copy / rounds / megabytes:F3} ms/MB");
        return (Median(small), Median(moves), vector);
    }

    static async Task<List<double>> Times(int count, Func<Task> call)
    {
        var times = new List<double>(count);
        for (int i = 0; i < count; i++)
        {
            long started = Stopwatch.GetTimestamp();
            await call();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return times;
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
