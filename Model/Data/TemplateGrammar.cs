namespace NeuralProgrammer.Model.Data;

/// <summary>The template forms of one dataset variant, and every template they give at the variant's full width.</summary>
/// <remarks>
/// <para>Forms per category (docs/model.md 1.8): aggregation <c>sum X</c>, <c>count</c>, <c>print X</c>; comparison
/// <c>{greater|lesser} n Y</c> × each aggregation; logic the four mixed pairs <c>greater/lesser</c>,
/// <c>lesser/greater</c> joined by <c>and</c> or <c>or</c>, × each aggregation; arithmetic <c>sum X diff count</c>,
/// <c>count diff sum X</c>. Y and Z range independently over the columns (they may coincide). That gives
/// 1 + 6C + 8C² + 8C³ templates on C numeric columns: 23, 307, 1231, 8861 for C = 1, 3, 5, 10.</para>
/// <para>Text match: the selector <c>word:k Y</c> (Y a text column) replaces a comparison anywhere one may stand.
/// In comparison forms it is a third selector beside greater and lesser. In logic forms either or both halves of each
/// of the four pairs may become a text match; the pairs that arise twice (the text half of greater/lesser and of
/// lesser/greater, and text/text) are kept once, so each of and/or joins seven pairs: greater/lesser, lesser/greater,
/// greater/text, text/lesser, lesser/text, text/greater, text/text. Greater, lesser, sum and print range over the N
/// numeric columns only, text matches over the T text columns: (2N + 1)(1 + (2N + T) + 2(2N² + 4NT + T²)) + 2N
/// templates, 56 for text match 2 and 713 for text match 5. The word k is a slot like a pivot, shown <c>word:k</c> in
/// template ids and drawn when a question is made.</para>
/// <para>Word variability: every keyword occurrence takes any of its <see cref="Lexicon"/> phrases independently,
/// so each phrase choice is its own template (1368 on one column).</para>
/// </remarks>
public sealed class TemplateGrammar
{
    private enum Selector { Greater, Lesser, Word }

    private static readonly Dictionary<DatasetVariant, TemplateGrammar> Grammars =
        DatasetVariants.All.ToDictionary(variant => variant, variant => new TemplateGrammar(variant));

    private TemplateGrammar(DatasetVariant variant)
    {
        Variant = variant;
        Facts = variant.Facts();
        Forms = BuildForms(Facts);
        FullTable = new TemplateOptions(Facts.NumericColumnNames, Facts.TextColumnNames, Facts.WordVariability);
        Words = Lexicon.Words(Facts.WordVariability)
            .Concat(Facts.ColumnNames)
            .Concat(Facts.TextMatch ? TextWords.All : [])
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    public static TemplateGrammar For(DatasetVariant variant) => Grammars[variant];

    public DatasetVariant Variant { get; }

    public VariantFacts Facts { get; }

    public IReadOnlyList<TemplateForm> Forms { get; }

    /// <summary>The columns and phrases of the variant's test table (all C_max columns).</summary>
    public TemplateOptions FullTable { get; }

    /// <summary>Every word a question of this variant can contain (numbers aside), in ordinal order.</summary>
    public IReadOnlyList<string> Words { get; }

    public IReadOnlyList<TemplateForm> FormsOf(TemplateCategory category) =>
        Forms.Where(form => form.Category == category).ToArray();

    /// <summary>Every template of the variant at its maximum column count, form by form.</summary>
    public IEnumerable<Template> Templates() => Forms.SelectMany(form => form.Enumerate(FullTable));

    private static TemplateForm[] BuildForms(VariantFacts facts)
    {
        bool names = facts.NamesColumns;
        Func<ITemplateChoices, Aggregate>[] aggregates =
        [
            c => new SumAggregate(c.Phrase(Keyword.Sum), c.Column(ColumnKind.Numeric)),
            c => new CountAggregate(c.Phrase(Keyword.Count)),
            c => new PrintAggregate(c.Phrase(Keyword.Print), c.Column(ColumnKind.Numeric)),
        ];
        Selector[] selectors = facts.TextMatch
            ? [Selector.Greater, Selector.Lesser, Selector.Word]
            : [Selector.Greater, Selector.Lesser];
        (Selector, Selector)[] pairs = facts.TextMatch
            ?
            [
                (Selector.Greater, Selector.Lesser), (Selector.Lesser, Selector.Greater),
                (Selector.Greater, Selector.Word), (Selector.Word, Selector.Lesser),
                (Selector.Lesser, Selector.Word), (Selector.Word, Selector.Greater),
                (Selector.Word, Selector.Word),
            ]
            : [(Selector.Greater, Selector.Lesser), (Selector.Lesser, Selector.Greater)];

        var forms = new List<TemplateForm>();
        foreach (var aggregate in aggregates)
            forms.Add(new(TemplateCategory.Aggregation, c => new Template(TemplateCategory.Aggregation, null, aggregate(c), names)));
        foreach (var selector in selectors)
            foreach (var aggregate in aggregates)
                forms.Add(new(TemplateCategory.Comparison,
                    c => new Template(TemplateCategory.Comparison, Select(c, selector), aggregate(c), names)));
        foreach (var op in new[] { LogicalOperator.And, LogicalOperator.Or })
            foreach (var (first, second) in pairs)
                foreach (var aggregate in aggregates)
                    forms.Add(new(TemplateCategory.Logic, c =>
                    {
                        var condition = new LogicalCombination(Select(c, first), op, Select(c, second));
                        return new Template(TemplateCategory.Logic, condition, aggregate(c), names);
                    }));
        forms.Add(new(TemplateCategory.Arithmetic, c => new Template(TemplateCategory.Arithmetic, null,
            new SumDiffCount(c.Phrase(Keyword.Sum), c.Column(ColumnKind.Numeric), c.Phrase(Keyword.Difference), c.Phrase(Keyword.Count)),
            names)));
        forms.Add(new(TemplateCategory.Arithmetic, c => new Template(TemplateCategory.Arithmetic, null,
            new CountDiffSum(c.Phrase(Keyword.Count), c.Phrase(Keyword.Difference), c.Phrase(Keyword.Sum), c.Column(ColumnKind.Numeric)),
            names)));
        return forms.ToArray();
    }

    private static Condition Select(ITemplateChoices c, Selector selector) => selector switch
    {
        Selector.Greater => new NumberComparison(Comparator.Greater, c.Phrase(Keyword.Greater), c.Column(ColumnKind.Numeric)),
        Selector.Lesser => new NumberComparison(Comparator.Lesser, c.Phrase(Keyword.Lesser), c.Column(ColumnKind.Numeric)),
        _ => new WordMatch(c.Column(ColumnKind.Text)),
    };
}
