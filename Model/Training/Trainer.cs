using System.Diagnostics;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// The single-process trainer (docs/model.md 1.7): minibatches from <see cref="MinibatchSchedule"/>, gradients from
/// <see cref="GradientComputation"/>, updates from <see cref="ParameterUpdate"/> — the same pieces the grains use — and a
/// hard-selection evaluation on the test set every <see cref="TrainingSpec.EvaluateEvery"/> updates.
/// </summary>
public sealed class Trainer : IDisposable
{
    readonly Replica replica;
    readonly List<CurvePoint> curve = [];
    readonly Stopwatch clock = new();
    TimeSpan previousElapsed;

    public TrainingSpec Spec { get; }
    public Vocabulary Vocabulary => Vocabulary.All;
    public IReadOnlyList<Example> TrainingSet => replica.TrainingSet;
    public IReadOnlyList<Example> TestSet { get; }
    /// <summary>The validation set that chooses the best checkpoint (empty without validation examples).</summary>
    public IReadOnlyList<Example> ValidationSet { get; }
    public NeuralProgrammerNetwork Network => replica.Network;
    public ParameterUpdate Update { get; }
    public Device Device => replica.Device;
    /// <summary>The program memory of the training set, when the spec weights its loss.</summary>
    public ProgramMemory? Memory => replica.Memory;
    public IReadOnlyList<CurvePoint> Curve => curve;
    /// <summary>This run's loss since the last evaluation and its training and evaluation time.</summary>
    public RunLedger Ledger { get; }
    public TimeSpan Elapsed => previousElapsed + clock.Elapsed;

    /// <param name="memorySearch">Told the question groups searched of all while the program memory is built, when the spec has one.</param>
    public Trainer(TrainingSpec spec, IProgress<(int Searched, int Groups)>? memorySearch = null)
    {
        Spec = spec.EnsureValid();
        var device = TorchDevice.Resolve(spec.Device);
        var trainingSet = DataSets.Training(spec);
        TestSet = DataSets.Test(spec);
        ValidationSet = DataSets.Validation(spec);
        replica = new Replica(spec, trainingSet, Replica.CreateMemory(spec, trainingSet, memorySearch), device);
        Update = Replica.InitialUpdate(spec, device);
        Ledger = new RunLedger(spec.HyperParameters.BatchSize, spec.EvaluateEvery, spec.Steps);
    }

    public bool Finished => Update.Updates >= Spec.Steps;

    /// <summary>One update on the next minibatch; returns its loss.</summary>
    public double Step(StepTimings? timings = null)
    {
        var started = clock.Elapsed;
        clock.Start();
        Update.PrepareNoise();
        using var result = replica.Compute(Update.Updates);
        Update.Apply(result.Gradient, timings: timings?.Update);
        replica.SetWeights(Update.Weights);
        timings?.Add(result.Forward, result.Backward);
        clock.Stop();
        Ledger.Stepped(clock.Elapsed - started, result.Loss);
        return result.Loss;
    }

    public Evaluation Evaluate() => Evaluator.Evaluate(Network, Vocabulary, TestSet);

    /// <summary>The current weights on the real-data test set (<see cref="DataSets.RealDataTest"/>), reported with the final result.</summary>
    public Evaluation EvaluateOnRealData() => Evaluator.Evaluate(Network, Vocabulary, DataSets.RealDataTest(Spec));

    /// <summary>The current weights on the validation set; null without one.</summary>
    public Evaluation? EvaluateOnValidation() => ValidationSet.Count == 0 ? null : Evaluator.Evaluate(Network, Vocabulary, ValidationSet);

    /// <summary>Appends a point to the curve: the test evaluation and, when the run has one, the validation evaluation of the same weights.</summary>
    public CurvePoint Record(Evaluation evaluation, Evaluation? validation = null)
    {
        var point = new CurvePoint(Update.Updates, Ledger.TakeLossSinceEvaluation(),
            evaluation.Accuracy, evaluation.AccuracyPerCategory, Elapsed.TotalSeconds) { ValidationAccuracy = validation?.Accuracy };
        curve.Add(point);
        return point;
    }

    /// <summary>
    /// Trains to <see cref="TrainingSpec.Steps"/>, evaluating every E updates and checkpointing after each evaluation
    /// when a path is given; progress at least every quarter second and at each evaluation, timed by the <see cref="Ledger"/>.
    /// </summary>
    public Evaluation Run(IProgress<TrainingProgress>? progress = null, string? checkpointPath = null, CancellationToken cancellation = default)
    {
        Evaluation? last = null;
        var sinceReport = Stopwatch.StartNew();
        while (!Finished && !cancellation.IsCancellationRequested)
        {
            var loss = Step();
            CurvePoint? point = null;
            if (Ledger.EvaluationDue(Update.Updates))
            {
                long started = Stopwatch.GetTimestamp();
                last = Evaluate();
                point = Record(last, EvaluateOnValidation());
                if (checkpointPath is not null) Checkpoint.Save(this, checkpointPath);
                Ledger.Evaluated(Stopwatch.GetElapsedTime(started));
            }
            if (progress is not null && (point is not null || sinceReport.ElapsedMilliseconds >= 250))
            {
                progress.Report(new TrainingProgress(Update.Updates, Spec.Steps, loss, Ledger.ExamplesPerSecond, Update.NoiseStandardDeviation,
                    point ?? curve.LastOrDefault(), Ledger.Evaluation.TotalSeconds, Ledger.Remaining(Update.Updates)?.TotalSeconds ?? double.NaN));
                sinceReport.Restart();
            }
        }
        return last ?? Evaluate();
    }

    /// <summary>Puts a run back where a checkpoint left it (weights, Adam moments, update count, curve, elapsed time).</summary>
    internal void Restore(Tensor weights, Tensor firstMoment, Tensor secondMoment, long updates, IEnumerable<CurvePoint> points, TimeSpan elapsed)
    {
        Update.Restore(weights, firstMoment, secondMoment, updates);
        replica.SetWeights(Update.Weights);
        curve.Clear();
        curve.AddRange(points);
        previousElapsed = elapsed;
    }

    public void Dispose()
    {
        Update.Dispose();
        replica.Dispose();
    }
}

/// <summary>Time per phase of training steps, for the benchmark.</summary>
public sealed class StepTimings
{
    public TimeSpan Forward { get; private set; }
    public TimeSpan Backward { get; private set; }
    public UpdateTimings Update { get; } = new();
    public void Add(TimeSpan forward, TimeSpan backward) => (Forward, Backward) = (Forward + forward, Backward + backward);
}
