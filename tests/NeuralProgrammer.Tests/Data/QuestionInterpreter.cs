using System.Globalization;
using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Tests.Data;

/// <summary>
/// An interpreter of question text written independently of the generator: its own synonym list, its own parser and
/// its own arithmetic, so that answers the generator computes can be checked against it.
/// </summary>
internal static class QuestionInterpreter
{
    public sealed record Result(Answer Answer, TemplateCategory Category, bool[] SelectedRows);

    private static readonly (string Phrase, string Meaning)[] Synonyms =
    [
        ("sum", "sum"), ("total", "sum"), ("total of", "sum"), ("sum of", "sum"),
        ("count", "count"), ("count of", "count"), ("how many", "count"),
        ("print", "print"), ("display", "print"), ("show", "print"),
        ("greater", "greater"), ("greater than", "greater"), ("bigger", "greater"), ("bigger than", "greater"),
        ("larger", "greater"), ("larger than", "greater"),
        ("lesser", "lesser"), ("lesser than", "lesser"), ("smaller", "lesser"), ("smaller than", "lesser"), ("under", "lesser"),
        ("diff", "diff"), ("difference", "diff"), ("difference between", "diff"),
        ("and", "and"), ("or", "or"),
    ];

    private enum Kind { Keyword, Number, TextWord, Column }

    private sealed record Symbol(Kind Kind, string Text, double Number = 0);

    public static Result Run(string question, Table table)
    {
        var symbols = Lex(question, table);
        int at = 0;
        Symbol? Peek() => at < symbols.Count ? symbols[at] : null;
        Symbol Take() => at < symbols.Count ? symbols[at++] : throw new FormatException($"'{question}' ends too soon.");
        bool PeekKeyword(params string[] keywords) => Peek() is { Kind: Kind.Keyword } s && keywords.Contains(s.Text);
        void Expect(string keyword)
        {
            var s = Take();
            if (s.Kind != Kind.Keyword || s.Text != keyword) throw new FormatException($"Expected '{keyword}' in '{question}', got '{s.Text}'.");
        }
        string NumericColumn()
        {
            if (Peek() is { Kind: Kind.Column } s)
            {
                at++;
                return s.Text;
            }
            var numeric = table.Columns.Where(c => !c.IsText).ToList();
            if (numeric.Count != 1) throw new FormatException($"'{question}' leaves out a column on a table with {numeric.Count} numeric columns.");
            return numeric[0].Name;
        }
        double[] Numbers(string column) => table.Columns.Single(c => c.Name == column).Numbers!.ToArray();

        bool[] Selector()
        {
            var s = Take();
            if (s.Kind == Kind.TextWord)
            {
                var column = Take();
                if (column.Kind != Kind.Column) throw new FormatException($"'{s.Text}' needs a text column in '{question}'.");
                var cells = table.Columns.Single(c => c.Name == column.Text).Words!;
                return cells.Select(cell => cell == s.Text).ToArray();
            }
            if (s.Kind != Kind.Keyword || s.Text is not ("greater" or "lesser")) throw new FormatException($"Unexpected '{s.Text}' in '{question}'.");
            var pivot = Take();
            if (pivot.Kind != Kind.Number) throw new FormatException($"'{s.Text}' needs a number in '{question}'.");
            var values = Numbers(NumericColumn());
            return s.Text == "greater"
                ? values.Select(v => v > pivot.Number).ToArray()
                : values.Select(v => v < pivot.Number).ToArray();
        }

        var rows = Enumerable.Repeat(true, table.RowCount).ToArray();
        var category = TemplateCategory.Aggregation;
        if (!PeekKeyword("sum", "count", "print"))
        {
            rows = Selector();
            category = TemplateCategory.Comparison;
            if (PeekKeyword("and", "or"))
            {
                bool and = Take().Text == "and";
                var second = Selector();
                rows = rows.Select((r, i) => and ? r && second[i] : r || second[i]).ToArray();
                category = TemplateCategory.Logic;
            }
        }

        double Sum(string column)
        {
            var values = Numbers(column);
            decimal total = 0;
            for (int i = 0; i < values.Length; i++)
                if (rows[i]) total += (decimal)values[i];
            return (double)total;
        }
        int count = rows.Count(r => r);

        Answer answer;
        var head = Take();
        switch (head.Text)
        {
            case "sum":
                var sumColumn = NumericColumn();
                if (PeekKeyword("diff"))
                {
                    at++;
                    Expect("count");
                    answer = new ScalarAnswer(Sum(sumColumn) - count);
                    category = TemplateCategory.Arithmetic;
                }
                else
                    answer = new ScalarAnswer(Sum(sumColumn));
                break;
            case "count":
                if (PeekKeyword("diff"))
                {
                    at++;
                    Expect("sum");
                    answer = new ScalarAnswer(count - Sum(NumericColumn()));
                    category = TemplateCategory.Arithmetic;
                }
                else
                    answer = new ScalarAnswer(count);
                break;
            case "print":
                var printName = NumericColumn();
                var printColumn = table.Columns.Select((c, j) => (c, j)).Single(x => x.c.Name == printName).j;
                var cells = new bool[table.RowCount * table.ColumnCount];
                for (int i = 0; i < table.RowCount; i++) cells[i * table.ColumnCount + printColumn] = rows[i];
                answer = new LookupAnswer(table.RowCount, table.ColumnCount, cells);
                break;
            default:
                throw new FormatException($"Unexpected '{head.Text}' in '{question}'.");
        }
        if (at != symbols.Count) throw new FormatException($"'{question}' has words left over after the answer operation.");
        return new Result(answer, category, rows);
    }

    private static List<Symbol> Lex(string question, Table table)
    {
        var tokens = question.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var symbols = new List<Symbol>();
        for (int i = 0; i < tokens.Length;)
        {
            var two = i + 1 < tokens.Length ? tokens[i] + " " + tokens[i + 1] : null;
            var match = Synonyms.FirstOrDefault(s => s.Phrase == two);
            if (match.Phrase is not null)
            {
                symbols.Add(new Symbol(Kind.Keyword, match.Meaning));
                i += 2;
                continue;
            }
            var token = tokens[i++];
            match = Synonyms.FirstOrDefault(s => s.Phrase == token);
            if (match.Phrase is not null)
                symbols.Add(new Symbol(Kind.Keyword, match.Meaning));
            else if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
                symbols.Add(new Symbol(Kind.Number, token, number));
            else if (token.StartsWith("word:", StringComparison.Ordinal) && int.TryParse(token[5..], out int k) && k is >= 0 and <= 9)
                symbols.Add(new Symbol(Kind.TextWord, token));
            else if (table.Columns.Any(c => c.Name == token))
                symbols.Add(new Symbol(Kind.Column, token));
            else
                throw new FormatException($"Unknown word '{token}' in '{question}'.");
        }
        return symbols;
    }
}
