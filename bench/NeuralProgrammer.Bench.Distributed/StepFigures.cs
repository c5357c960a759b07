/// <summary>
/// One job's per-step figures: compute and communication seconds (means over the timed steps), CPU and GC pause
/// milliseconds and full collections per step, and the parameter server's payload bytes per step each way. NaN where
/// the mode cannot see a figure.
/// </summary>
readonly record struct StepFigures(
    double Compute, double Communication, double CpuMilliseconds, double GcMilliseconds, double Gen2,
    double BytesSent, double BytesReceived, long TimedSteps);
