namespace NeuralProgrammer.Model.Data;

/// <summary>
/// Numeric columns and pivots drawn like real data rather than like the paper's (docs/model.md 1.8c). The paper's
/// values are uniform with two decimals, so a value almost never repeats and a pivot almost never equals a cell: a
/// program that counts a tie on the wrong side (<c>count − greater n</c> for <c>lesser n count</c>) is right on every
/// such table. Real columns hold counts, integers, one-decimal measurements and prices from a short list, and the
/// numbers in questions about them are often cells of the table.
/// </summary>
public static class RealDataTables
{
    enum Style { Count, Integer, Measurement, Price }

    /// <summary>
    /// A column of <paramref name="rows"/> values within ±<paramref name="limit"/>, in one of four styles drawn
    /// uniformly: counts 0..k (k in 3..30), integers over a span of 10–200, measurements to one decimal over a span of
    /// 1–20, or prices with two decimals from a list of 3–15. All four repeat values in tables of 30 or more rows.
    /// A column is drawn again until it holds at least three distinct values (three prices can leave one out of 30
    /// rows): with fewer, no pivots make <c>greater n and lesser n</c> select some rows but not all, as logic questions
    /// must (<see cref="SyntheticData"/>).
    /// </summary>
    public static double[] Column(int rows, double limit, Random random)
    {
        double[] column;
        do column = Styled(rows, limit, random);
        while (column.Distinct().Count() < 3);
        return column;
    }

    static double[] Styled(int rows, double limit, Random random)
    {
        var style = (Style)random.Next(4);
        switch (style)
        {
            case Style.Count:
            {
                int most = random.Next(3, 31);
                return Draw(rows, () => random.Next(most + 1));
            }
            case Style.Integer:
                return Span(rows, random.Next(10, 201), 1, limit, random);
            case Style.Measurement:
                return Span(rows, random.Next(10, 201), 10, limit, random);
            default:
            {
                int hundredths = (int)(limit * 100);
                var prices = Draw(random.Next(3, 16), () => random.Next(-hundredths, hundredths + 1) / 100.0);
                return Draw(rows, () => prices[random.Next(prices.Length)]);
            }
        }
    }

    /// <summary>
    /// The pivot of a comparison with <paramref name="column"/>: half the time one of its cells (a tie at the pivot),
    /// else a value from its least to its greatest cell at the column's precision (whole, tenths or hundredths).
    /// </summary>
    public static double Pivot(IReadOnlyList<double> column, Random random)
    {
        if (random.Next(2) == 0) return column[random.Next(column.Count)];
        int scale = Scale(column);
        int low = (int)Math.Round(column.Min() * scale), high = (int)Math.Round(column.Max() * scale);
        return random.Next(low, high + 1) / (double)scale;
    }

    /// <summary>Whether some number of the question equals a cell of a numeric column: a tie at a pivot.</summary>
    public static bool HasTie(Example example) =>
        example.Question.Numbers.Any(n => example.Table.Columns.Any(c => c.Numbers?.Contains(n) == true));

    /// <summary>
    /// The example on a copy of its table in which each number of the question is also the value of three cells of
    /// every numeric column (rows k, P + k and 2P + k for the k-th of P numbers), answered by its template: a program
    /// right on it treats a tie at the pivot as the question does. Null when the question has no number, the table is
    /// too short, or its answer on another table is unknown.
    /// </summary>
    public static Example? WithTiesAtPivots(Example example)
    {
        var pivots = example.Question.Numbers;
        if (pivots.Count == 0 || example.AnswerOn is null || example.Table.RowCount < 3 * pivots.Count) return null;
        var columns = example.Table.Columns.Select(column =>
        {
            if (column.Numbers is null) return column;
            var numbers = column.Numbers.ToArray();
            for (int k = 0; k < pivots.Count; k++)
                for (int row = k; row < 3 * pivots.Count; row += pivots.Count) numbers[row] = pivots[k];
            return column with { Numbers = numbers };
        }).ToArray();
        var tied = new Table(columns);
        return example with { Table = tied, Answer = example.AnswerOn(tied) };
    }

    /// <summary>Values k/<paramref name="scale"/> over a span of <paramref name="units"/> steps placed within ±limit.</summary>
    static double[] Span(int rows, int units, int scale, double limit, Random random)
    {
        int bound = (int)(limit * scale);
        int low = random.Next(-bound, bound - units + 1);
        return Draw(rows, () => (low + random.Next(units + 1)) / (double)scale);
    }

    static double[] Draw(int count, Func<double> value) => Enumerable.Range(0, count).Select(_ => value()).ToArray();

    static int Scale(IReadOnlyList<double> column) =>
        column.All(v => v == Math.Round(v)) ? 1 : column.All(v => Math.Abs(v * 10 - Math.Round(v * 10)) < 1e-9) ? 10 : 100;
}
