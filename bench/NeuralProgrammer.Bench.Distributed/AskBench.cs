using System.Diagnostics;
using NeuralProgrammer.Grains;

/// <summary>
/// <c>bench-distributed --ask</c>: <c>np ask --job</c> under load. A small job trains to completion; a second job
/// (d = 256, the demo's size) trains while eight clients ask its model questions in a loop; prints asks/s and the
/// p50/p99 latency of an ask, and the training job's steps/s meanwhile against its steps/s alone.
/// </summary>
static class AskBench
{
    const string Csv = "price\n12.5\n-40.25\n77\n3.75\n-8\n51.5\n99.99\n-120\n0.5\n64\n";

    public static async Task Run(IGrainFactory grains, int clients, TimeSpan duration)
    {
        var asked = grains.GetGrain<ITrainingJobGrain>($"ask-model-{Guid.NewGuid():N}"[..20]);
        await asked.Start(new JobSpec { Preset = "quickstart", Workers = 1 });
        while ((await asked.GetStatus()).State == JobState.Running) await Task.Delay(500);

        var training = grains.GetGrain<ITrainingJobGrain>($"ask-train-{Guid.NewGuid():N}"[..20]);
        await training.Start(new JobSpec { Preset = "demo", Workers = 2 }.With("Steps", "100000"));
        var alone = await StepsPerSecond(training, duration / 2);

        var ask = grains.GetGrain<IAskGrain>(asked.GetPrimaryKeyString());
        await ask.Ask(new AskRequest(Csv, "t.csv", "sum")); // loads the model
        var questions = new[] { "sum", "greater 20 sum", "lesser 0 count", "greater 60 print" };
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        var during = StepsPerSecond(training, duration);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            for (int i = c; clock.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var reply = await ask.Ask(new AskRequest(Csv, "t.csv", questions[i % questions.Length]));
                if (reply.AnswerJson is null) throw new InvalidOperationException(reply.Refused);
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        var withAsks = await during;
        await training.Cancel();
        latencies.Sort();
        Console.WriteLine($"{clients} clients, {latencies.Count} asks in {seconds:F1} s: {latencies.Count / seconds:F1} asks/s, " +
                          $"latency p50 {latencies[latencies.Count / 2]:F1} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:F1} ms; " +
                          $"the training job meanwhile {withAsks:F1} steps/s (alone {alone:F1})");
    }

    static async Task<double> StepsPerSecond(ITrainingJobGrain job, TimeSpan window)
    {
        long from = (await job.GetStatus()).Progress.Update;
        await Task.Delay(window);
        return ((await job.GetStatus()).Progress.Update - from) / window.TotalSeconds;
    }
}
