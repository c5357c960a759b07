namespace NeuralProgrammer.Model.Data;

/// <summary>
/// The surface phrases of each <see cref="Keyword"/> (docs/model.md 1.8). A phrase may be several words ("greater than").
/// </summary>
/// <remarks>
/// Without word variability difference is written <c>diff</c> ("sum A diff count", as in the paper's examples). With word
/// variability it is one of the two phrases of docs/model.md 1.8, <c>difference</c> or <c>difference between</c>, and <c>diff</c> is
/// not among them: that gives the paper's 1,368 single-column templates, which a third phrase would not. The phrase
/// keeps its place between the two aggregates ("total of difference between how many").
/// </remarks>
public static class Lexicon
{
    private static readonly Dictionary<Keyword, string[]> Plain = new()
    {
        [Keyword.Sum] = ["sum"],
        [Keyword.Count] = ["count"],
        [Keyword.Print] = ["print"],
        [Keyword.Greater] = ["greater"],
        [Keyword.Lesser] = ["lesser"],
        [Keyword.Difference] = ["diff"],
        [Keyword.And] = ["and"],
        [Keyword.Or] = ["or"],
    };

    private static readonly Dictionary<Keyword, string[]> Variable = new()
    {
        [Keyword.Sum] = ["sum", "total", "total of", "sum of"],
        [Keyword.Count] = ["count", "count of", "how many"],
        [Keyword.Print] = ["print", "display", "show"],
        [Keyword.Greater] = ["greater", "greater than", "bigger", "bigger than", "larger", "larger than"],
        [Keyword.Lesser] = ["lesser", "lesser than", "smaller", "smaller than", "under"],
        [Keyword.Difference] = ["difference", "difference between"],
        [Keyword.And] = ["and"],
        [Keyword.Or] = ["or"],
    };

    public static IReadOnlyList<string> Phrases(Keyword keyword, bool wordVariability) =>
        (wordVariability ? Variable : Plain)[keyword];

    /// <summary>Every single word the phrases are made of, in no particular order.</summary>
    public static IEnumerable<string> Words(bool wordVariability) =>
        (wordVariability ? Variable : Plain).Values.SelectMany(phrases => phrases).SelectMany(SplitWords).Distinct();

    public static IReadOnlyList<string> SplitWords(string phrase) =>
        phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
