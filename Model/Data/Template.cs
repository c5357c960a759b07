namespace NeuralProgrammer.Model.Data;

/// <summary>
/// One question template: an optional row condition and an aggregate, with its columns and (under word variability)
/// its phrases fixed, and slots for the numbers and text words a concrete question fills in.
/// </summary>
/// <remarks>
/// Grammar (docs/model.md 1.8): aggregation <c>sum X | count | print X</c>; comparison <c>{greater|lesser} n Y</c> then an
/// aggregation; logic <c>greater n Y and lesser n Z | lesser n Y and greater n Z | greater n Y or lesser n Z |
/// lesser n Y or greater n Z</c> then an aggregation; arithmetic <c>sum X diff count | count diff sum X</c>, over all
/// rows. Comparisons, sum and print name their column when the variant has more than one (<see cref="NamesColumns"/>);
/// count and difference never do. In text-match variants <c>word:k Y</c> stands wherever a comparison may: see
/// <see cref="TemplateGrammar"/>.
/// </remarks>
public sealed record Template(TemplateCategory Category, Condition? Condition, Aggregate Aggregate, bool NamesColumns)
{
    /// <summary>The canonical id: the question with numbers shown as <c>n</c> and text words as <c>word:k</c>.</summary>
    public string Id => string.Join(' ', Tokens.Select(token => token.Word));

    public override string ToString() => Id;

    public IReadOnlyList<TemplateToken> Tokens =>
        (Condition is null ? [] : TokensOf(Condition)).Concat(TokensOf(Aggregate)).ToArray();

    public int PivotCount => Tokens.Count(token => token.Kind == TemplateTokenKind.Number);

    public int TextWordCount => Tokens.Count(token => token.Kind == TemplateTokenKind.TextWord);

    /// <summary>The columns the template names or reads, in order of appearance.</summary>
    public IEnumerable<string> Columns =>
        (Condition is null ? [] : ColumnsOf(Condition)).Concat(ColumnsOf(Aggregate));

    /// <summary>The numeric column each pivot is compared with, in the order of the pivots.</summary>
    public IEnumerable<string> PivotColumns => Condition is null ? [] : PivotColumnsOf(Condition);

    /// <summary>The concrete question: numbers taken out of the words, each placed after the word to its left.</summary>
    public Question Render(TemplateValues values)
    {
        CheckSlots(values);
        var words = new List<string>();
        var numbers = new List<double>();
        var positions = new List<int>();
        int pivot = 0, textWord = 0;
        foreach (var token in Tokens)
            switch (token.Kind)
            {
                case TemplateTokenKind.Number:
                    numbers.Add(values.Pivots[pivot++]);
                    positions.Add(words.Count - 1);
                    break;
                case TemplateTokenKind.TextWord:
                    words.Add(TextWords.Word(values.TextWords[textWord++]));
                    break;
                default:
                    words.Add(token.Word);
                    break;
            }
        return new Question(words, numbers, positions);
    }

    /// <summary>The rows the condition selects (all rows without one). Comparisons are strict.</summary>
    public IReadOnlyList<bool> SelectRows(Table table, TemplateValues values)
    {
        CheckSlots(values);
        if (Condition is null) return Enumerable.Repeat(true, table.RowCount).ToArray();
        var cursor = new SlotCursor(values);
        return Select(Condition, table, cursor);
    }

    /// <summary>The answer on <paramref name="table"/>: a scalar for sum, count and difference, a lookup for print.</summary>
    public Answer Evaluate(Table table, TemplateValues values)
    {
        var rows = SelectRows(table, values);
        int count = rows.Count(selected => selected);
        double SumOf(string column)
        {
            var numbers = NumbersOf(table, column);
            return Enumerable.Range(0, table.RowCount).Where(i => rows[i]).Sum(i => numbers[i]);
        }
        return Aggregate switch
        {
            SumAggregate sum => new ScalarAnswer(Math.Round(SumOf(sum.Column), 2)),
            CountAggregate => new ScalarAnswer(count),
            SumDiffCount difference => new ScalarAnswer(Math.Round(SumOf(difference.Column) - count, 2)),
            CountDiffSum difference => new ScalarAnswer(Math.Round(count - SumOf(difference.Column), 2)),
            PrintAggregate print => Lookup(table, rows, table.ColumnIndex(print.Column)),
            _ => throw new InvalidOperationException($"Unknown aggregate {Aggregate}."),
        };
    }

    private static LookupAnswer Lookup(Table table, IReadOnlyList<bool> rows, int column)
    {
        var cells = new bool[table.RowCount * table.ColumnCount];
        for (int i = 0; i < table.RowCount; i++) cells[i * table.ColumnCount + column] = rows[i];
        return new LookupAnswer(table.RowCount, table.ColumnCount, cells);
    }

    private static bool[] Select(Condition condition, Table table, SlotCursor cursor)
    {
        switch (condition)
        {
            case NumberComparison comparison:
            {
                var numbers = NumbersOf(table, comparison.Column);
                double pivot = cursor.NextPivot();
                return numbers.Select(value => comparison.Comparator == Comparator.Greater ? value > pivot : value < pivot)
                    .ToArray();
            }
            case WordMatch match:
            {
                var column = table.Column(match.Column);
                var words = column.Words ?? throw new ArgumentException($"Column {match.Column} is not a text column.");
                string word = TextWords.Word(cursor.NextTextWord());
                return words.Select(cell => cell == word).ToArray();
            }
            case LogicalCombination combination:
            {
                var first = Select(combination.First, table, cursor);
                var second = Select(combination.Second, table, cursor);
                return first.Zip(second, (a, b) => combination.Operator == LogicalOperator.And ? a && b : a || b).ToArray();
            }
            default:
                throw new InvalidOperationException($"Unknown condition {condition}.");
        }
    }

    private static IReadOnlyList<double> NumbersOf(Table table, string column) =>
        table.Column(column).Numbers ?? throw new ArgumentException($"Column {column} is not a numeric column.");

    private void CheckSlots(TemplateValues values)
    {
        if (values.Pivots.Count != PivotCount || values.TextWords.Count != TextWordCount)
            throw new ArgumentException(
                $"Template '{Id}' has {PivotCount} number and {TextWordCount} text-word slots; got " +
                $"{values.Pivots.Count} numbers and {values.TextWords.Count} text words.", nameof(values));
    }

    private IEnumerable<TemplateToken> TokensOf(Condition condition) => condition switch
    {
        NumberComparison comparison =>
            Phrase(comparison.Phrase).Append(TemplateToken.Number).Concat(ColumnToken(comparison.Column)),
        WordMatch match => [TemplateToken.TextWord, TemplateToken.Plain(match.Column)],
        LogicalCombination combination => TokensOf(combination.First)
            .Concat(Phrase(Lexicon.Phrases(combination.Operator == LogicalOperator.And ? Keyword.And : Keyword.Or, false)[0]))
            .Concat(TokensOf(combination.Second)),
        _ => throw new InvalidOperationException($"Unknown condition {condition}."),
    };

    private IEnumerable<TemplateToken> TokensOf(Aggregate aggregate) => aggregate switch
    {
        SumAggregate sum => Phrase(sum.Phrase).Concat(ColumnToken(sum.Column)),
        CountAggregate count => Phrase(count.Phrase),
        PrintAggregate print => Phrase(print.Phrase).Concat(ColumnToken(print.Column)),
        SumDiffCount d => Phrase(d.SumPhrase).Concat(ColumnToken(d.Column)).Concat(Phrase(d.DifferencePhrase))
            .Concat(Phrase(d.CountPhrase)),
        CountDiffSum d => Phrase(d.CountPhrase).Concat(Phrase(d.DifferencePhrase)).Concat(Phrase(d.SumPhrase))
            .Concat(ColumnToken(d.Column)),
        _ => throw new InvalidOperationException($"Unknown aggregate {aggregate}."),
    };

    private static IEnumerable<string> ColumnsOf(Condition condition) => condition switch
    {
        NumberComparison comparison => [comparison.Column],
        WordMatch match => [match.Column],
        LogicalCombination combination => ColumnsOf(combination.First).Concat(ColumnsOf(combination.Second)),
        _ => [],
    };

    private static IEnumerable<string> PivotColumnsOf(Condition condition) => condition switch
    {
        NumberComparison comparison => [comparison.Column],
        LogicalCombination combination => PivotColumnsOf(combination.First).Concat(PivotColumnsOf(combination.Second)),
        _ => [],
    };

    private static IEnumerable<string> ColumnsOf(Aggregate aggregate) => aggregate switch
    {
        SumAggregate sum => [sum.Column],
        PrintAggregate print => [print.Column],
        SumDiffCount d => [d.Column],
        CountDiffSum d => [d.Column],
        _ => [],
    };

    private static IEnumerable<TemplateToken> Phrase(string phrase) => Lexicon.SplitWords(phrase).Select(TemplateToken.Plain);

    private IEnumerable<TemplateToken> ColumnToken(string column) => NamesColumns ? [TemplateToken.Plain(column)] : [];

    private sealed class SlotCursor(TemplateValues values)
    {
        private int pivot, textWord;
        public double NextPivot() => values.Pivots[pivot++];
        public int NextTextWord() => values.TextWords[textWord++];
    }
}
