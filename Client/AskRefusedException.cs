namespace NeuralProgrammer.Client;

/// <summary>A job's model that cannot answer (the job is unknown, or has no checkpoint yet): a refusal, exit code 1.</summary>
public sealed class AskRefusedException(string message) : Exception(message);
