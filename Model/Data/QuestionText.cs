namespace NeuralProgrammer.Model.Data;

/// <summary>Reads a question as a user types it ("greater 50.32 B sum A") into a <see cref="Question"/>.</summary>
public static class QuestionText
{
    /// <summary>
    /// Splits on whitespace; every token that is a number in a form <see cref="NumberText"/> reads ("50.32", "-7",
    /// "-3e2", "1,234.5", "7%" as 7, "$5" as 5: the conventions of table cells) becomes a number placed after the word to
    /// its left (-1 when it opens the question); all other tokens ("word:2", "NaN") are words.
    /// </summary>
    /// <exception cref="FormatException">A token looks like a number but is not one the model can use ("1,23", "1e39").</exception>
    public static Question Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var numbers = new List<double>();
        var positions = new List<int>();
        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            if (NumberText.TryRead(token, out double number, out _, out string? problem))
            {
                numbers.Add(number);
                positions.Add(words.Count - 1);
            }
            else if (problem is not null)
                throw new FormatException($"The question's '{token}' {problem}.");
            else
                words.Add(token);
        return new Question(words, numbers, positions);
    }
}
