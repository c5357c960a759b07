namespace NeuralProgrammer.Model.Data;

/// <summary>
/// Word ids for the question RNN, column names and text cells: <c>&lt;pad&gt;</c> = 0, <c>&lt;unk&gt;</c> = 1, then the
/// grammar's words in ordinal order, so that ids are the same on every run and machine.
/// </summary>
public sealed class Vocabulary
{
    public const string Padding = "<pad>";
    public const string Unknown = "<unk>";
    public const int PaddingId = 0;
    public const int UnknownId = 1;

    private static readonly Dictionary<DatasetVariant, Vocabulary> ByVariant =
        DatasetVariants.All.ToDictionary(variant => variant, variant => new Vocabulary(TemplateGrammar.For(variant).Words));

    private readonly Dictionary<string, int> ids;

    public Vocabulary(IEnumerable<string> words)
    {
        Words = new[] { Padding, Unknown }
            .Concat(words.Where(word => word is not (Padding or Unknown)).Distinct().Order(StringComparer.Ordinal))
            .ToArray();
        ids = Words.Select((word, id) => (word, id)).ToDictionary(entry => entry.word, entry => entry.id);
    }

    /// <summary>One vocabulary covering every variant's words, so that one model can read any variant's questions.</summary>
    public static Vocabulary All { get; } = new(DatasetVariants.All.SelectMany(variant => TemplateGrammar.For(variant).Words));

    public static Vocabulary For(DatasetVariant variant) => ByVariant[variant];

    public IReadOnlyList<string> Words { get; }

    public int Count => Words.Count;

    public bool Contains(string word) => ids.ContainsKey(word);

    public int Id(string word) => ids.TryGetValue(word, out int id) ? id : UnknownId;

    public IReadOnlyList<int> Ids(IEnumerable<string> words) => words.Select(Id).ToArray();

    public string Word(int id) => Words[id];
}
