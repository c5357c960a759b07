namespace NeuralProgrammer.Model.Data;

/// <summary>
/// The row selection a question starts with: a comparison, a text match, or two of them joined by and/or. Values (pivots,
/// text words) are not part of the condition: they fill the template's slots when a question is drawn
/// (<see cref="TemplateValues"/>).
/// </summary>
public abstract record Condition;

public enum Comparator { Greater, Lesser }

public enum LogicalOperator { And, Or }

/// <summary><c>greater n Y</c> / <c>lesser n Y</c>: rows whose numeric column Y is strictly above / below the pivot n.</summary>
public sealed record NumberComparison(Comparator Comparator, string Phrase, string Column) : Condition;

/// <summary>
/// <c>word:k Y</c>: rows whose text column Y holds word:k. It stands wherever a comparison may stand (docs/model.md 1.8).
/// </summary>
public sealed record WordMatch(string Column) : Condition;

/// <summary><c>c1 and c2</c> / <c>c1 or c2</c>: the intersection / union of two single conditions' rows.</summary>
public sealed record LogicalCombination(Condition First, LogicalOperator Operator, Condition Second) : Condition;
