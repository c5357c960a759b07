namespace NeuralProgrammer.Model.Data;

/// <summary>The question words that name an operation; with word variability each has several surface phrases.</summary>
public enum Keyword { Sum, Count, Print, Greater, Lesser, Difference, And, Or }
