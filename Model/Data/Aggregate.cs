namespace NeuralProgrammer.Model.Data;

/// <summary>What a question asks of its selected rows (all rows when it has no condition).</summary>
public abstract record Aggregate;

/// <summary><c>sum X</c>: the sum of numeric column X over the selected rows.</summary>
public sealed record SumAggregate(string Phrase, string Column) : Aggregate;

/// <summary><c>count</c>: the number of selected rows.</summary>
public sealed record CountAggregate(string Phrase) : Aggregate;

/// <summary><c>print X</c>: the selected rows' cells of numeric column X.</summary>
public sealed record PrintAggregate(string Phrase, string Column) : Aggregate;

/// <summary><c>sum X diff count</c>: sum of X minus the row count.</summary>
public sealed record SumDiffCount(string SumPhrase, string Column, string DifferencePhrase, string CountPhrase) : Aggregate;

/// <summary><c>count diff sum X</c>: the row count minus the sum of X.</summary>
public sealed record CountDiffSum(string CountPhrase, string DifferencePhrase, string SumPhrase, string Column) : Aggregate;
