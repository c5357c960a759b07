using System.Globalization;

namespace NeuralProgrammer.Model.Data;

/// <summary>Reads a question as a user types it ("greater 50.32 B sum A") into a <see cref="Question"/>.</summary>
public static class QuestionText
{
    /// <summary>
    /// Splits on whitespace; every token that is a finite invariant-culture number ("50.32", "-7", "1e3") becomes a
    /// number placed after the word to its left (-1 when it opens the question); all other tokens are words.
    /// </summary>
    public static Question Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var numbers = new List<double>();
        var positions = new List<int>();
        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
            {
                numbers.Add(number);
                positions.Add(words.Count - 1);
            }
            else
                words.Add(token);
        return new Question(words, numbers, positions);
    }
}
