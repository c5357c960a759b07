namespace NeuralProgrammer.Model.Data;

/// <summary>
/// A template with its columns and phrases left open, e.g. "greater n Y and lesser n Z sum X". Sampling picks a form,
/// then fills it with <see cref="ITemplateChoices"/>; enumerating fills it every possible way.
/// </summary>
public sealed class TemplateForm
{
    private readonly Func<ITemplateChoices, Template> build;

    public TemplateForm(TemplateCategory category, Func<ITemplateChoices, Template> build)
    {
        Category = category;
        this.build = build;
        Shape = build(new PlaceholderChoices()).Id;
    }

    public TemplateCategory Category { get; }

    /// <summary>The form with numeric columns shown as <c>&lt;num&gt;</c>, text columns as <c>&lt;text&gt;</c>.</summary>
    public string Shape { get; }

    public override string ToString() => Shape;

    public Template Build(ITemplateChoices choices) => build(choices);

    /// <summary>Every template of this form over <paramref name="options"/>' columns and phrases.</summary>
    public IEnumerable<Template> Enumerate(TemplateOptions options)
    {
        var recorder = new RecordingChoices(options);
        build(recorder);
        var slots = recorder.Slots;
        if (slots.Any(slot => slot.Count == 0)) yield break;
        var index = new int[slots.Count];
        while (true)
        {
            yield return build(new ReplayChoices(slots.Select((slot, k) => slot[index[k]]).ToArray()));
            int position = slots.Count - 1;
            while (position >= 0 && ++index[position] == slots[position].Count) index[position--] = 0;
            if (position < 0) yield break;
        }
    }

    private sealed class PlaceholderChoices : ITemplateChoices
    {
        public string Column(ColumnKind kind) => kind == ColumnKind.Numeric ? "<num>" : "<text>";
        public string Phrase(Keyword keyword) => Lexicon.Phrases(keyword, wordVariability: false)[0];
    }

    private sealed class RecordingChoices(TemplateOptions options) : ITemplateChoices
    {
        public List<IReadOnlyList<string>> Slots { get; } = [];
        public string Column(ColumnKind kind) => Record(options.Columns(kind));
        public string Phrase(Keyword keyword) => Record(options.Phrases(keyword));

        private string Record(IReadOnlyList<string> choices)
        {
            Slots.Add(choices);
            return choices.Count > 0 ? choices[0] : "";
        }
    }

    private sealed class ReplayChoices(IReadOnlyList<string> picks) : ITemplateChoices
    {
        private int next;
        public string Column(ColumnKind kind) => picks[next++];
        public string Phrase(Keyword keyword) => picks[next++];
    }
}
