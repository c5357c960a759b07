namespace NeuralProgrammer.Model.Training;

/// <summary>What t counts in the noise schedule σ²_t = η/(1+t)^γ (docs/model.md 1.7): updates, or epochs as the paper likely did.</summary>
public enum NoiseUnit { Step, Epoch }
