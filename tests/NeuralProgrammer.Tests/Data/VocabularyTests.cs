using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Tests.Data;

public class VocabularyTests
{
    public static TheoryData<DatasetVariant> Variants() => new(DatasetVariants.All);

    [Theory]
    [MemberData(nameof(Variants))]
    public void CoversEveryWordOfGeneratedQuestionsAndTables(DatasetVariant variant)
    {
        var vocabularies = new[] { Vocabulary.For(variant), Vocabulary.All };
        foreach (var split in new[] { DataSplit.Train, DataSplit.Test })
            foreach (var example in SyntheticData.Generate(variant, 500, seed: 61, split))
            {
                var words = example.Question.Words
                    .Concat(example.Table.Columns.Select(c => c.Name))
                    .Concat(example.Table.Columns.Where(c => c.IsText).SelectMany(c => c.Words!));
                foreach (var word in words)
                    foreach (var vocabulary in vocabularies)
                    {
                        Assert.True(vocabulary.Contains(word), $"'{word}' of '{example.Question.Text}' is missing");
                        Assert.True(vocabulary.Id(word) > Vocabulary.UnknownId);
                    }
            }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void HoldsExactlyTheGrammarsWords(DatasetVariant variant)
    {
        var facts = variant.Facts();
        var expected = TemplateGrammar.For(variant).Templates()
            .SelectMany(t => t.Tokens.Where(token => token.Kind == TemplateTokenKind.Word).Select(token => token.Word))
            .Concat(facts.ColumnNames)
            .Concat(facts.TextMatch ? Enumerable.Range(0, 10).Select(k => $"word:{k}") : [])
            .Append(Vocabulary.Padding).Append(Vocabulary.Unknown)
            .ToHashSet();
        Assert.Equal(expected.Order(StringComparer.Ordinal), Vocabulary.For(variant).Words.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void IdsAreStableAndPaddingAndUnknownComeFirst()
    {
        var vocabulary = Vocabulary.For(DatasetVariant.Columns3);
        Assert.Equal(0, vocabulary.Id("<pad>"));
        Assert.Equal(1, vocabulary.Id("<unk>"));
        Assert.Equal(1, vocabulary.Id("banana"));
        Assert.False(vocabulary.Contains("banana"));
        Assert.Equal(vocabulary.Count, vocabulary.Words.Distinct().Count());
        for (int id = 0; id < vocabulary.Count; id++) Assert.Equal(id, vocabulary.Id(vocabulary.Word(id)));

        var shuffled = vocabulary.Words.Skip(2).OrderBy(w => w.GetHashCode()).Reverse().ToList();
        Assert.Equal(vocabulary.Words, new Vocabulary(shuffled).Words);
        Assert.Equal(["<pad>", "<unk>", "A", "B", "C", "and", "count", "diff", "greater", "lesser", "or", "print", "sum"], vocabulary.Words);
    }

    [Fact]
    public void TheSharedVocabularyIsTheUnionOfAllVariants()
    {
        var union = DatasetVariants.All.SelectMany(v => Vocabulary.For(v).Words).ToHashSet();
        Assert.Equal(union.Order(StringComparer.Ordinal), Vocabulary.All.Words.Order(StringComparer.Ordinal));
        Assert.Contains("J", Vocabulary.All.Words);
        Assert.Contains("word:9", Vocabulary.All.Words);
        Assert.Contains("between", Vocabulary.All.Words);
        Assert.Equal([1, 1], Vocabulary.All.Ids(["zebra", "<unk>"]));
    }
}
