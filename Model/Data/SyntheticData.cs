namespace NeuralProgrammer.Model.Data;

/// <summary>The paper's synthetic tables, questions and answers, deterministic from a seed (docs/model.md 1.8).</summary>
/// <remarks>
/// <para>Tables: training 30–100 rows and a column count uniform in 1..C_max (text match: 2..C_max, split uniformly
/// among the text/numeric splits that fit the variant, at least one of each), values uniform in [−100, 100]; test 120
/// rows, all C_max columns, values in [−200, 200]. Values have two decimals, text cells are word:0..word:9 uniformly.
/// Column names follow <see cref="VariantFacts"/>.</para>
/// <para>Questions: a category uniformly among the allowed ones, a form of it uniformly, then each column uniformly
/// among the table's columns of the kind it needs, and (word variability) each phrase uniformly. Pivots are uniform,
/// with two decimals, in the range of the table's numeric values (its minimum to its maximum); text words uniform in
/// word:0..9. Logic questions redraw all their pivots and words until their rows are neither none nor all.</para>
/// <para>Real data (docs/model.md 1.8c): with a share r &gt; 0, each table is drawn with probability r with
/// <see cref="RealDataTables"/>' numeric columns and pivots instead (rows, column counts and text cells as above). With
/// r = 0 the stream is the paper's, draw for draw.</para>
/// </remarks>
public static class SyntheticData
{
    public const int TrainMinRows = 30;
    public const int TrainMaxRows = 100;
    public const int TestRows = 120;
    public const double TrainValueLimit = 100;
    public const double TestValueLimit = 200;

    private const int MaxRedraws = 100_000;

    public static IReadOnlyList<Example> Generate(DatasetVariant variant, int count, int seed, DataSplit split,
        IReadOnlyCollection<TemplateCategory>? categories = null, double realDataShare = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Stream(variant, seed, split, categories, realDataShare).Take(count).ToArray();
    }

    /// <summary>
    /// An endless stream of examples; <see cref="Generate"/> takes its first <c>count</c>, so a smaller count gives a
    /// prefix of a larger one.
    /// </summary>
    public static IEnumerable<Example> Stream(DatasetVariant variant, int seed, DataSplit split,
        IReadOnlyCollection<TemplateCategory>? categories = null, double realDataShare = 0)
    {
        var allowed = Allowed(categories);
        if (!(realDataShare is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(realDataShare), realDataShare, "The share of real-data tables must be in [0, 1].");
        var grammar = TemplateGrammar.For(variant);
        return Draw(grammar, allowed, split, realDataShare, new Random(seed));
    }

    private static IEnumerable<Example> Draw(TemplateGrammar grammar, TemplateCategory[] categories, DataSplit split, double realDataShare, Random random)
    {
        var forms = categories.ToDictionary(category => category, grammar.FormsOf);
        while (true)
        {
            // Drawn only when asked for, so that the paper's stream stays the same draw for draw.
            bool realData = realDataShare > 0 && random.NextDouble() < realDataShare;
            var table = DrawTable(grammar.Facts, split, realData, random);
            var category = categories[random.Next(categories.Length)];
            var form = forms[category][random.Next(forms[category].Count)];
            var template = form.Build(new RandomChoices(TemplateOptions.For(table, grammar.Facts.WordVariability), random));
            var values = DrawValues(template, table, realData, random);
            yield return new Example(table, template.Render(values), template.Evaluate(table, values), template.Id, category)
            {
                AnswerOn = other => template.Evaluate(other, values),
            };
        }
    }

    private static TemplateCategory[] Allowed(IReadOnlyCollection<TemplateCategory>? categories)
    {
        if (categories is null) return Enum.GetValues<TemplateCategory>();
        if (categories.Count == 0) throw new ArgumentException("At least one template category is needed.", nameof(categories));
        foreach (var category in categories)
            if (!Enum.IsDefined(category))
                throw new ArgumentException($"Unknown template category {category}.", nameof(categories));
        return Enum.GetValues<TemplateCategory>().Where(categories.Contains).ToArray();
    }

    private static Table DrawTable(VariantFacts facts, DataSplit split, bool realData, Random random)
    {
        bool train = split == DataSplit.Train;
        int rows = train ? random.Next(TrainMinRows, TrainMaxRows + 1) : TestRows;
        int limit = (int)((train ? TrainValueLimit : TestValueLimit) * 100);
        var (text, numeric) = train ? DrawColumnSplit(facts, random) : (facts.MaxTextColumns, facts.MaxNumericColumns);
        var columns = new List<TableColumn>();
        foreach (var name in facts.TextColumnNames.Take(text))
            columns.Add(new TableColumn(name, Words: Enumerable.Range(0, rows)
                .Select(_ => TextWords.Word(random.Next(TextWords.Count))).ToArray()));
        foreach (var name in facts.NumericColumnNames.Take(numeric))
            columns.Add(new TableColumn(name, Numbers: realData
                ? RealDataTables.Column(rows, limit / 100.0, random)
                : Enumerable.Range(0, rows).Select(_ => random.Next(-limit, limit + 1) / 100.0).ToArray()));
        return new Table(columns);
    }

    private static (int Text, int Numeric) DrawColumnSplit(VariantFacts facts, Random random)
    {
        int columns = random.Next(facts.MinColumns, facts.MaxColumns + 1);
        if (!facts.TextMatch) return (0, columns);
        int fewestText = Math.Max(1, columns - facts.MaxNumericColumns);
        int mostText = Math.Min(facts.MaxTextColumns, columns - 1);
        int text = random.Next(fewestText, mostText + 1);
        return (text, columns - text);
    }

    private static TemplateValues DrawValues(Template template, Table table, bool realData, Random random)
    {
        var numbers = table.Columns.Where(column => !column.IsText).SelectMany(column => column.Numbers!).ToArray();
        int low = (int)Math.Round(numbers.Min() * 100), high = (int)Math.Round(numbers.Max() * 100);
        var pivotColumns = realData ? template.PivotColumns.Select(name => table.Column(name).Numbers!).ToArray() : [];
        for (int attempt = 0; attempt < MaxRedraws; attempt++)
        {
            var values = new TemplateValues(
                realData
                    ? pivotColumns.Select(column => RealDataTables.Pivot(column, random)).ToArray()
                    : Enumerable.Range(0, template.PivotCount).Select(_ => random.Next(low, high + 1) / 100.0).ToArray(),
                Enumerable.Range(0, template.TextWordCount).Select(_ => random.Next(TextWords.Count)).ToArray());
            if (template.Category != TemplateCategory.Logic) return values;
            int selected = template.SelectRows(table, values).Count(row => row);
            if (selected > 0 && selected < table.RowCount) return values;
        }
        throw new InvalidOperationException(
            $"No pivots found in {MaxRedraws} draws for which '{template.Id}' selects some but not all of the table's rows.");
    }

    private sealed class RandomChoices(TemplateOptions options, Random random) : ITemplateChoices
    {
        public string Column(ColumnKind kind) => Pick(options.Columns(kind));
        public string Phrase(Keyword keyword) => Pick(options.Phrases(keyword));
        private string Pick(IReadOnlyList<string> choices) => choices[random.Next(choices.Count)];
    }
}
