using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NeuralProgrammer.Grains;

/// <summary>
/// The training metrics of docs/architecture.md 2.3, on the meter <c>NeuralProgrammer</c>, each tagged with the job id
/// (<c>job</c>). The silo exports them with OpenTelemetry (<c>AddMeter("NeuralProgrammer")</c>).
/// </summary>
public static class GrainMetrics
{
    public const string MeterName = "NeuralProgrammer";
    public const string JobTag = "job";
    public const string PhaseTag = "phase";
    public const string ComputePhase = "compute";
    public const string CommunicationPhase = "communication";
    public const string DirectionTag = "direction";
    public const string Sent = "sent";
    public const string Received = "received";
    public const string WorkerTag = "worker";
    public const string ShardTag = "shard";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Training examples whose gradients went into an update.</summary>
    public static readonly Counter<long> TrainingExamples =
        Meter.CreateCounter<long>("np_training_examples_total", "{example}", "Training examples processed");

    public static readonly Gauge<double> TrainingLoss =
        Meter.CreateGauge<double>("np_training_loss", null, "Mean training loss of the latest update");

    public static readonly Gauge<double> EvalAccuracy =
        Meter.CreateGauge<double>("np_eval_accuracy", null, "Test accuracy at the latest evaluation (0..1)");

    /// <summary>
    /// Per update, split by <c>phase</c>: compute (the slowest worker's forward/backward including its wait for a free
    /// compute thread, plus the parameter server's averaging and update) and communication (the rest of the step).
    /// </summary>
    public static readonly Histogram<double> StepDuration =
        Meter.CreateHistogram<double>("np_step_duration_seconds", "s", "Time of one data-parallel update by phase (compute, communication)");

    public static readonly Gauge<double> GradientNoise =
        Meter.CreateGauge<double>("np_gradient_noise_stddev", null, "Standard deviation of the gradient noise of the latest update");

    /// <summary>Worker grains holding a model replica, on this silo.</summary>
    public static readonly UpDownCounter<long> WorkersActive =
        Meter.CreateUpDownCounter<long>("np_workers_active", "{worker}", "Worker grains holding a model replica");

    /// <summary>
    /// Payload bytes between a parameter-server shard (tag <c>shard</c>, its index) and the workers, by
    /// <c>direction</c>: <c>sent</c> counts the packed weights of every pull (retries included), <c>received</c> the
    /// packed gradients of every push. A worker on the shard's own silo is counted too, though it gets the weights
    /// without a copy.
    /// </summary>
    public static readonly Counter<long> ParameterServerBytes =
        Meter.CreateCounter<long>("np_parameter_server_bytes_total", "By", "Weight and gradient payload bytes a parameter-server shard sent to and received from the workers");

    /// <summary>A shard's share of a step's compute (tag <c>shard</c>): averaging the gradients, clipping, noise, Adam and packing the weights.</summary>
    public static readonly Histogram<double> ParameterServerUpdate =
        Meter.CreateHistogram<double>("np_parameter_server_update_seconds", "s", "Time of a parameter-server shard's update (averaging, clipping, noise, Adam, packing)");

    /// <summary>
    /// Per step and worker (tag <c>worker</c>, its index), as the worker reported it to the parameter server: its
    /// unpack/encode/forward/backward/pack, without the wait for a compute thread.
    /// </summary>
    public static readonly Histogram<double> WorkerCompute =
        Meter.CreateHistogram<double>("np_worker_compute_seconds", "s", "Time of one worker's gradient computation in a step, by worker");

    /// <summary>Per step and worker (tag <c>worker</c>): how long its computation waited for a free compute thread.</summary>
    public static readonly Histogram<double> WorkerQueue =
        Meter.CreateHistogram<double>("np_worker_queue_seconds", "s", "Time one worker's gradient computation waited for a compute thread in a step, by worker");

    public static TagList Job(string jobId) => new() { { JobTag, jobId } };

    public static TagList Phase(string jobId, string phase) => new() { { JobTag, jobId }, { PhaseTag, phase } };

    public static TagList Direction(string jobId, string direction) => new() { { JobTag, jobId }, { DirectionTag, direction } };

    public static TagList Worker(string jobId, int worker) => new() { { JobTag, jobId }, { WorkerTag, worker } };

    public static TagList Shard(string jobId, int shard) => new() { { JobTag, jobId }, { ShardTag, shard } };
}
