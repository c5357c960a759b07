namespace NeuralProgrammer.Model.Data;

/// <summary>Training tables (30–100 rows, 1..C columns, values in ±100) or test tables (120 rows, all C columns, ±200).</summary>
public enum DataSplit { Train, Test }
