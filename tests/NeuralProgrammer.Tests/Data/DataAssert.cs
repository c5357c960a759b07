using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Tests.Data;

internal static class DataAssert
{
    public static void SameAnswer(Answer expected, Answer actual, string context)
    {
        switch (expected)
        {
            case ScalarAnswer e:
                var a = Assert.IsType<ScalarAnswer>(actual);
                Assert.True(Math.Abs(e.Value - a.Value) < 1e-6, $"{context}: expected {e.Value}, got {a.Value}");
                break;
            case LookupAnswer e:
                var l = Assert.IsType<LookupAnswer>(actual);
                Assert.Equal(e.Rows, l.Rows);
                Assert.Equal(e.Columns, l.Columns);
                Assert.True(e.Cells.SequenceEqual(l.Cells), $"{context}: the printed cells differ");
                break;
            default:
                Assert.Fail($"{context}: unknown answer {expected}");
                break;
        }
    }

    public static bool HasTwoDecimals(double value) => Math.Abs(value * 100 - Math.Round(value * 100)) < 1e-6;

    /// <summary>Everything an example holds, as text, to compare two generations.</summary>
    public static string Fingerprint(Example example)
    {
        var table = string.Join(" | ", example.Table.Columns.Select(c =>
            c.Name + ":" + string.Join(",", c.IsText ? c.Words! : c.Numbers!.Select(v => v.ToString("R")))));
        var answer = example.Answer switch
        {
            ScalarAnswer s => s.Value.ToString("R"),
            LookupAnswer l => string.Concat(l.Cells.Select(b => b ? '1' : '0')),
            _ => "?",
        };
        return $"{example.Category} [{example.Template}] {example.Question.Text} = {answer} ON {table}";
    }

    public static int Columns(int c) => 1 + 6 * c + 8 * c * c + 8 * c * c * c;
}
