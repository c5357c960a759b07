namespace NeuralProgrammer.Model.Data;

/// <summary>
/// A question with its numbers taken out of the token stream (docs/model.md 1.1). <see cref="Words"/> are the tokens the
/// question RNN reads; <see cref="Numbers"/>[k] stood right after the word at <see cref="NumberPositions"/>[k]
/// (an index into <see cref="Words"/>, or -1 when the number opens the question).
/// </summary>
public sealed record Question(IReadOnlyList<string> Words, IReadOnlyList<double> Numbers, IReadOnlyList<int> NumberPositions)
{
    public override string ToString() => Text;

    /// <summary>The question as a user would write it, numbers back in place.</summary>
    public string Text
    {
        get
        {
            var parts = new List<string>();
            for (int k = 0; k < Numbers.Count; k++)
                if (NumberPositions[k] == -1) parts.Add(FormatNumber(Numbers[k]));
            for (int i = 0; i < Words.Count; i++)
            {
                parts.Add(Words[i]);
                for (int k = 0; k < Numbers.Count; k++)
                    if (NumberPositions[k] == i) parts.Add(FormatNumber(Numbers[k]));
            }
            return string.Join(' ', parts);
        }
    }

    public static string FormatNumber(double value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
