using System.Globalization;
using System.Text.RegularExpressions;

namespace NeuralProgrammer.Model.Data;

/// <summary>
/// The number forms a user writes, read alike in table cells (<see cref="TableCsv"/>) and questions
/// (<see cref="QuestionText"/>) so that a question's number compares like with like: a sign, a decimal point, an
/// exponent (<c>-3e2</c>), commas grouping digits in threes (<c>1,234.5</c>), one currency sign before or after the
/// digits (<c>$12.50</c>, <c>-$4</c>, <c>3€</c>), a percent sign (<c>7%</c> is 7, as written), and accounting
/// parentheses for a negative amount (<c>($4)</c> is −4).
/// </summary>
public static partial class NumberText
{
    /// <summary>Examples of every accepted form, for error messages.</summary>
    public const string Forms = "12, -3.5, 1,234.5, -3e2, 7%, $5, 3€ or ($4)";

    /// <summary>The largest magnitude the network can hold: it computes in float32.</summary>
    public const double Largest = float.MaxValue;

    /// <summary>
    /// Reads <paramref name="token"/> (already trimmed). True for a number, with its <paramref name="unit"/>: "" for a
    /// plain number, "%" or the currency sign. False for a word (<paramref name="problem"/> null) or for a token that
    /// looks like a number but is not one the model can use; <paramref name="problem"/> then says why and what would be
    /// accepted, as a phrase to follow the token ("'1,23' " + problem).
    /// </summary>
    public static bool TryRead(string token, out double value, out string unit, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(token);
        (value, unit, problem) = (0, "", null);
        var match = Accepted().Match(token);
        if (!match.Success)
        {
            if (NumberLike().IsMatch(token))
                problem = token.AsSpan().IndexOfAny(" '\u00A0\u2009\u202F") >= 0
                    ? "has digits grouped with spaces or apostrophes, which are not read (1 234 could be one number or two): write 1234 or 1,234"
                    : token.Contains(',')
                        ? "is not a number: a comma must group digits in threes (1,234.5), and a decimal comma is not read (write 1.5 for 1,5)"
                        : $"is not a number in an accepted form ({Forms})";
            return false;
        }

        var g = match.Groups;
        int negations = (g["open"].Success ? 1 : 0) + (g["sign"].Success ? 1 : 0) + (g["sign2"].Success ? 1 : 0);
        if (g["open"].Success != g["close"].Success || negations > 1 || g["lead"].Success && g["trail"].Success)
        {
            problem = $"is not a number in an accepted form ({Forms}): it has more than one sign, unit or unclosed parenthesis";
            return false;
        }

        value = double.Parse(g["digits"].Value.Replace(",", "") + g["exponent"].Value, CultureInfo.InvariantCulture);
        if (g["open"].Success || g["sign"].Value == "-" || g["sign2"].Value == "-") value = -value;
        if (!(Math.Abs(value) <= Largest))
        {
            (value, problem) = (0, "is beyond ±3.4e38, the largest magnitude the model computes with (float32): write it in larger units");
            return false;
        }
        unit = g["lead"].Success ? g["lead"].Value : g["trail"].Value;
        return true;
    }

    [GeneratedRegex(@"^(?<open>\()?(?<sign>[+-])?(?<lead>[$€£¥])?(?<sign2>[+-])?" +
                    @"(?<digits>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+)" +
                    @"(?<exponent>[eE][+-]?[0-9]+)?(?<trail>[%$€£¥])?(?<close>\))?$")]
    private static partial Regex Accepted();

    // What a user meant as a number even when it is not in an accepted form: digits with separators, signs and units,
    // but no letters other than an exponent's e (so "e5", "A1", "word:2" and dates stay words).
    [GeneratedRegex(@"^\(?[+-]?[$€£¥]?[+-]?[0-9.,' \u00A0\u2009\u202F]*[0-9][0-9.,' \u00A0\u2009\u202F]*(?:[eE][+-]?[0-9]*)?[%$€£¥]?\)?$")]
    private static partial Regex NumberLike();
}
