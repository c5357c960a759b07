using System.Text.RegularExpressions;

namespace NeuralProgrammer.Model.Data;

/// <summary>A question about a user's table that a model cannot take; the message names the word, the name or the limit.</summary>
public sealed class QuestionException(string message) : FormatException(message);

/// <summary>
/// A user's table and question put in the words a model was trained with (schema linking, docs/model.md 1.10). The
/// network knows column names only as the names of its training tables (A, B, …) and text cells only as word:0 …
/// word:9; a header it never saw would enter the selector as an untrained embedding and change the program. So the
/// columns take the model's names by role, as its training tables had them (text columns A, B, …, numeric columns the
/// next letters; <see cref="VariantFacts"/>), the text cells the question mentions take word:0, word:1, … and the others
/// the remaining cell words, and every mention of a header or a cell in the question becomes the same word. The
/// table keeps its order of rows and columns, so answers are read back in the user's names (<see cref="UserColumn"/>).
/// </summary>
/// <remarks>
/// A name in the question is matched as written, else ignoring case (an error when that fits several); a name of
/// several words ("unit price") is matched whole, and a name may be quoted ("count") to mean the column. Unquoted, a
/// header that is also a question word (sum, count, …) or a number is read as that word or number, with a warning.
/// A model whose questions never name a column (one column) reads the question without the name.
/// </remarks>
public sealed partial class SchemaLink
{
    readonly Dictionary<string, string> userColumns;

    SchemaLink(Table userTable, Table table, Question question, Dictionary<string, string> userColumns, IReadOnlyList<string> warnings)
    {
        (UserTable, Table, Question, this.userColumns, Warnings) = (userTable, table, question, userColumns, warnings);
    }

    /// <summary>The user's table as read from the CSV.</summary>
    public Table UserTable { get; }
    /// <summary>The same table with the model's column names and cell words.</summary>
    public Table Table { get; }
    /// <summary>The question with the model's column names and cell words.</summary>
    public Question Question { get; }
    /// <summary>How the question was read where it could be read two ways.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The user's header of the column the model calls <paramref name="modelName"/>.</summary>
    public string UserColumn(string modelName) => userColumns[modelName];

    /// <summary>Links <paramref name="table"/> and <paramref name="question"/> to a model trained on <paramref name="variant"/>.</summary>
    /// <exception cref="QuestionException">The table is wider than the model's, a name is ambiguous, or a word is unknown.</exception>
    /// <exception cref="FormatException">A number in the question cannot be read (<see cref="QuestionText"/>).</exception>
    public static SchemaLink Create(Table table, string question, DatasetVariant variant)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(question);
        var facts = variant.Facts();
        var grammar = TemplateGrammar.For(variant);
        var questionWords = Lexicon.Words(facts.WordVariability).ToHashSet(StringComparer.Ordinal);
        var modelNames = ModelColumnNames(table, variant, facts);
        var tokens = Tokens(question);
        if (tokens.Count == 0) throw new QuestionException("The question has no words.");

        // Everything the question may mention: headers (→ model column names) and text cells (→ cell words, decided below).
        var mentions = table.Columns.Select((c, j) => new Mention(c.Name, Column: j))
            .Concat(table.Columns.Where(c => c.IsText).SelectMany(c => c.Words!).Distinct(StringComparer.Ordinal).Select(w => new Mention(w, Column: -1)))
            .ToList();
        var warnings = new List<string>();
        var read = new List<(string Text, Mention? Mention)>();
        for (int i = 0; i < tokens.Count;)
        {
            var (found, length) = Match(tokens, i, mentions);
            var token = tokens[i];
            if (found is not null && !token.Quoted && (questionWords.Contains(found.Text.ToLowerInvariant()) || NumberText.TryRead(found.Text, out _, out _, out _)))
            {
                if (facts.NamesColumns || found.Column < 0) warnings.Add($"'{found.Text}' is read as {(questionWords.Contains(found.Text.ToLowerInvariant()) ? "the question word" : "a number")}; " +
                             $"write \"{found.Text}\" in quotes where you mean the {(found.Column >= 0 ? "column" : "cell")}");
                found = null;
                length = 1;
            }
            if (found is null && token.Quoted)
                throw new QuestionException($"The question quotes \"{token.Text}\", which is neither a column of the table " +
                                            $"({string.Join(", ", table.Columns.Select(c => c.Name))}) nor one of its text cells.");
            read.Add(found is null ? (token.Text, null) : (found.Text, found));
            i += length;
        }

        // Cells the question mentions take word:0, word:1, …; every other cell one of the words left, so that none matches.
        var mentionedCells = read.Where(r => r.Mention is { Column: -1 }).Select(r => r.Text).Distinct(StringComparer.Ordinal).ToList();
        if (mentionedCells.Count >= TextWords.Count)
            throw new QuestionException($"The question mentions {mentionedCells.Count} text cells; the model tells apart at most {TextWords.Count - 1} in one question.");
        var cellWords = mentionedCells.Select((cell, k) => (cell, k)).ToDictionary(p => p.cell, p => TextWords.Word(p.k), StringComparer.Ordinal);
        string CellWord(string cell) => cellWords.TryGetValue(cell, out var word) ? word : TextWords.Word(TextWords.Count - 1);

        var words = new List<string>();
        foreach (var (text, mention) in read)
        {
            if (mention is { Column: >= 0 } column)
            {
                if (facts.NamesColumns) words.Add(modelNames[column.Column]);
            }
            else if (mention is not null) words.Add(CellWord(text));
            else words.Add(questionWords.Contains(text.ToLowerInvariant()) ? text.ToLowerInvariant() : text);
        }

        var linked = QuestionText.Parse(string.Join(' ', words));
        var produced = read.Where(r => r.Mention is not null).Select(r => r.Mention!.Column >= 0 ? modelNames[r.Mention.Column] : CellWord(r.Text)).ToHashSet();
        CheckWords(linked, read.Where(r => r.Mention is null).Select(r => r.Text).ToList(), produced, table, grammar, questionWords);

        var modelTable = new Table(table.Columns.Select((c, j) => c with
        {
            Name = modelNames[j],
            Words = c.IsText ? c.Words!.Select(CellWord).ToArray() : null,
        }).ToArray());
        var userColumns = modelNames.Select((name, j) => (name, j)).ToDictionary(p => p.name, p => table.Columns[p.j].Name);
        return new SchemaLink(table, modelTable, linked, userColumns, warnings);
    }

    /// <summary>The model's name for each of the table's columns: text columns A, B, …; numeric columns the next letters.</summary>
    static string[] ModelColumnNames(Table table, DatasetVariant variant, VariantFacts facts)
    {
        var text = table.Columns.Where(c => c.IsText).Select(c => c.Name).ToList();
        var numeric = table.Columns.Where(c => !c.IsText).Select(c => c.Name).ToList();
        if (text.Count > 0 && facts.MaxTextColumns == 0)
            throw new QuestionException($"Column{(text.Count > 1 ? "s" : "")} {string.Join(", ", text.Select(n => $"'{n}'"))} hold{(text.Count > 1 ? "" : "s")} text, " +
                                        $"and this model ({variant.Name()}) was trained on numbers only; a text-match model reads text columns.");
        if (text.Count > facts.MaxTextColumns || numeric.Count > facts.MaxNumericColumns)
            throw new QuestionException($"The table has {numeric.Count} numeric column(s) ({string.Join(", ", numeric)})" +
                                        (facts.TextMatch ? $" and {text.Count} text column(s) ({string.Join(", ", text)})" : "") +
                                        $"; this model ({variant.Name()}) was trained on tables of at most {facts.MaxNumericColumns} numeric" +
                                        (facts.TextMatch ? $" and {facts.MaxTextColumns} text" : "") +
                                        " column(s): give a table of the columns the question needs, or a model trained on wider tables.");
        int nextText = 0, nextNumeric = 0;
        return table.Columns.Select(c => c.IsText ? facts.TextColumnNames[nextText++] : facts.NumericColumnNames[nextNumeric++]).ToArray();
    }

    /// <summary>Words left that the model does not know, and model names the user's table does not have.</summary>
    static void CheckWords(Question linked, IReadOnlyList<string> unmatched, HashSet<string> produced, Table table, TemplateGrammar grammar,
        HashSet<string> questionWords)
    {
        var known = grammar.Words.ToHashSet(StringComparer.Ordinal);
        var unmatchedWords = unmatched.ToHashSet(StringComparer.Ordinal);
        var strangers = linked.Words.Where(w => !questionWords.Contains(w) && !produced.Contains(w)).Distinct().ToList();
        var notInTable = strangers.Where(w => known.Contains(w) && unmatchedWords.Contains(w)).ToList();
        if (notInTable.Count > 0)
            throw new QuestionException($"The question names {string.Join(", ", notInTable.Select(w => $"'{w}'"))}, which the table does not have; " +
                                        $"its columns are {string.Join(", ", table.Columns.Select(c => c.Name))}.");
        var unknown = strangers.Where(w => !known.Contains(w)).ToList();
        if (unknown.Count > 0)
            throw new QuestionException("The question has words this model does not know, which are not columns or cells of the table: " +
                                        string.Join("; ", unknown.Select(w => $"'{w}'{Suggest(w, questionWords, grammar.Facts.WordVariability)}")) +
                                        $". The words it knows: {string.Join(", ", questionWords.Order(StringComparer.Ordinal))}.");
    }

    /// <summary>" (did you mean …?)" with the model's word for a synonym it was not trained with, else the nearest words by spelling.</summary>
    static string Suggest(string word, HashSet<string> questionWords, bool wordVariability)
    {
        var lower = word.ToLowerInvariant();
        var synonyms = Enum.GetValues<Keyword>().Where(k => Lexicon.Phrases(k, wordVariability: true).SelectMany(Lexicon.SplitWords).Contains(lower))
            .Select(k => Lexicon.Phrases(k, wordVariability)[0]).Where(w => w != lower).ToList();
        var near = synonyms.Count > 0 ? synonyms
            : questionWords.Select(w => (w, d: Distance(lower, w))).Where(p => p.d <= Math.Max(1, lower.Length / 3)).OrderBy(p => p.d).ThenBy(p => p.w, StringComparer.Ordinal)
                .Take(3).Select(p => p.w).ToList();
        return near.Count == 0 ? "" : $" (did you mean {string.Join(" or ", near.Select(w => $"'{w}'"))}?)";
    }

    static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
                (diagonal, row[j]) = (row[j], Math.Min(Math.Min(row[j], row[j - 1]) + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)));
        }
        return row[b.Length];
    }

    sealed record Mention(string Text, int Column);

    readonly record struct Token(string Text, bool Quoted);

    static List<Token> Tokens(string question) =>
        QuotedOrBare().Matches(question).Select(m => m.Groups["quoted"].Success ? new Token(m.Groups["quoted"].Value.Trim(), true) : new Token(m.Value, false)).ToList();

    [GeneratedRegex("\"(?<quoted>[^\"]*)\"|\\S+")]
    private static partial Regex QuotedOrBare();

    /// <summary>The longest mention whose words stand at <paramref name="start"/>, as written, else ignoring case.</summary>
    /// <exception cref="QuestionException">Ignoring case, the words fit several mentions.</exception>
    static (Mention? Found, int Length) Match(List<Token> tokens, int start, List<Mention> mentions)
    {
        if (tokens[start].Quoted)
            return (Pick(tokens[start].Text, mentions.Where(m => m.Text == tokens[start].Text).ToList(),
                mentions.Where(m => string.Equals(m.Text, tokens[start].Text, StringComparison.OrdinalIgnoreCase)).ToList()), 1);
        foreach (var length in mentions.Select(m => Lexicon.SplitWords(m.Text).Count).Distinct().OrderDescending())
        {
            if (start + length > tokens.Count || tokens.Skip(start).Take(length).Any(t => t.Quoted)) continue;
            var words = tokens.Skip(start).Take(length).Select(t => t.Text).ToList();
            bool Fits(Mention m, StringComparison comparison) =>
                Lexicon.SplitWords(m.Text) is var parts && parts.Count == length && parts.Zip(words).All(p => string.Equals(p.First, p.Second, comparison));
            var found = Pick(string.Join(' ', words), mentions.Where(m => Fits(m, StringComparison.Ordinal)).ToList(),
                mentions.Where(m => Fits(m, StringComparison.OrdinalIgnoreCase)).ToList());
            if (found is not null) return (found, length);
        }
        return (null, 1);
    }

    static Mention? Pick(string written, List<Mention> exact, List<Mention> ignoringCase)
    {
        var candidates = exact.Count > 0 ? exact : ignoringCase;
        if (candidates.Count > 1 && candidates.Any(c => c.Column >= 0) && candidates.Any(c => c.Column < 0))
            throw new QuestionException($"'{written}' in the question is both a column name and a text cell of the table; rename the column.");
        if (candidates.Count(c => c.Column >= 0) > 1)
            throw new QuestionException($"'{written}' in the question could be column {string.Join(" or ", candidates.Select(c => $"'{c.Text}'"))}: " +
                                        "write the name as in the header.");
        // Cells that differ only in case are one word to the question: the first of them stands for all.
        return candidates.FirstOrDefault();
    }
}
