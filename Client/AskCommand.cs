using System.CommandLine;
using System.Text.Json;
using NeuralProgrammer.Grains;
using NeuralProgrammer.Model.Answers;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using Spectre.Console;

namespace NeuralProgrammer.Client;

/// <summary>
/// <c>np ask</c>: questions about users' CSV tables answered with a checkpoint (<c>--model</c>, in this process) or a
/// cluster job's model (<c>--job</c>); one question for a person, or JSON lines for scripts (<c>--json</c>, and always
/// for the batch forms <c>--questions</c> and <c>--batch</c>, each answer printed as soon as it is ready). Exit code 0
/// when every question was answered, 1 when an input was refused (a named problem with a table, a question or the
/// model), 70 on an internal failure.
/// </summary>
public static class AskCommand
{
    public const int Refused = 1;
    public const int Internal = 70;

    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "A checkpoint written by np train (--checkpoint, or model.ckpt in its run directory)" };
        var job = new Option<string?>("--job") { Description = "Answer with the model of this cluster job (its latest checkpoint); with --cluster" };
        var table = new Option<string?>("--table") { Description = "CSV file: a header of column names, then rows of numbers or words" };
        var questions = new Option<string?>("--questions") { Description = "A file of questions about --table, one per line; answered as JSON lines" };
        var batch = new Option<string?>("--batch") { Description = "A file of JSON lines {\"table\": \"t.csv\", \"question\": \"sum price\"}; answered as JSON lines" };
        var json = new Option<bool>("--json") { Description = "Print the answer as one JSON object (README, \"Answers for scripts\")" };
        var question = new Argument<string?>("question") { Description = "The question, e.g. \"greater 50 qty sum price\"", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("ask", "Answer questions about CSV tables with a trained model, showing the induced program")
        {
            model, job, ClusterSession.ClusterOption, table, questions, batch, json, question,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            bool lines = parse.GetValue(json) || parse.GetValue(questions) is not null || parse.GetValue(batch) is not null;
            try
            {
                var inputs = Inputs(parse.GetValue(table), parse.GetValue(question), parse.GetValue(questions), parse.GetValue(batch));
                if (parse.GetValue(model) is not null == parse.GetValue(job) is not null)
                    throw new ArgumentException("give the model to answer with: --model <checkpoint> or --job <id> (with --cluster), one of them.");
                await using var answerer = parse.GetValue(model) is { } path
                    ? Answerer.Local(path)
                    : await Answerer.Cluster(parse.GetValue(job)!, parse, cancellation);
                int exit = 0;
                foreach (var input in inputs)
                {
                    cancellation.ThrowIfCancellationRequested();
                    exit = Math.Max(exit, await AnswerOne(answerer, input, lines));
                }
                return exit;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Fail(null, null, e, lines);
            }
        });
        return command;
    }

    /// <summary>One question: printed for a person or as a JSON line; returns its exit code.</summary>
    static async Task<int> AnswerOne(Answerer answerer, Input input, bool lines)
    {
        try
        {
            if (input.Problem is not null) throw new FormatException(input.Problem);
            var report = await answerer.Answer(input.Table!, input.Question!);
            if (lines) Console.WriteLine(report.ToJson());
            else Print(report);
            return 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Fail(input.Question, input.Table, e, lines);
        }
    }

    /// <summary>Reports a question that got no answer (on standard output as a JSON line, else on standard error); returns its exit code.</summary>
    public static int Fail(string? question, string? table, Exception e, bool lines, TextWriter? output = null, TextWriter? error = null)
    {
        bool refused = IsRefusal(e);
        if (lines) (output ?? Console.Out).WriteLine(new AnswerError(question, table, refused ? "refused" : "internal", e.Message).ToJson());
        else (error ?? Console.Error).WriteLine(refused ? $"error: {e.Message}" : $"internal error: {e.GetType().Name}: {e.Message}");
        return refused ? Refused : Internal;
    }

    static bool IsRefusal(Exception e) => e is FormatException or ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException
        or JobNotFoundException or AskRefusedException or TimeoutException;

    record Input(string? Table, string? Question, string? Problem = null);

    /// <summary>The questions to answer, in order; a bad line of a batch becomes an input that carries its problem.</summary>
    static IEnumerable<Input> Inputs(string? table, string? question, string? questionsFile, string? batchFile)
    {
        int forms = (question is not null ? 1 : 0) + (questionsFile is not null ? 1 : 0) + (batchFile is not null ? 1 : 0);
        if (forms != 1) throw new ArgumentException("give one question, --questions <file> (with --table) or --batch <file.jsonl>.");
        if (batchFile is null && table is null) throw new ArgumentException("give the table the question is about: --table <file.csv>.");
        if (batchFile is not null && table is not null) throw new ArgumentException("--batch names a table on each line; leave out --table.");
        if (question is not null) return [new Input(table, question)];
        if (questionsFile is not null)
            return File.ReadLines(questionsFile).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => new Input(table, l.Trim()));
        return File.ReadLines(batchFile!).Select((line, i) => (line, i)).Where(p => !string.IsNullOrWhiteSpace(p.line)).Select(p => BatchLine(batchFile!, p.line, p.i + 1));
    }

    static Input BatchLine(string file, string line, int number)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            string? Field(string name) => json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var (table, question) = (Field("table"), Field("question"));
            if (table is null || question is null)
                return new Input(table, question, $"{file} line {number}: expected {{\"table\": \"<file.csv>\", \"question\": \"<question>\"}}, both strings.");
            return new Input(table, question);
        }
        catch (JsonException e)
        {
            return new Input(null, null, $"{file} line {number} is not JSON: {e.Message}");
        }
    }

    static void Print(AnswerReport report)
    {
        foreach (var warning in report.Warnings) AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(warning)}");
        var steps = new Spectre.Console.Table().Title("Induced program").AddColumn("step").AddColumn("operation").AddColumn("column").AddColumn("pivot");
        for (int i = 0; i < report.Program.Count; i++)
        {
            var step = report.Program[i];
            steps.AddRow($"{i + 1}", step.Operation, Markup.Escape(step.Column ?? ""), step.Pivot is { } p ? Question.FormatNumber(p) : "");
        }
        AnsiConsole.Write(steps);
        switch (report.Kind)
        {
            case "scalar":
                Console.WriteLine($"answer: {ProgramSample.Describe(new ScalarAnswer(report.Answer!.Value))}");
                break;
            case "lookup":
                Console.WriteLine($"answer: {report.Cells!.Count} cells printed");
                foreach (var cell in report.Cells!)
                    Console.WriteLine($"  row {cell.Row + 1}, {cell.Column}: {(cell.Value.ValueKind == JsonValueKind.Number ? Question.FormatNumber(cell.Value.GetDouble()) : cell.Value.GetString())}");
                break;
            default:
                Console.WriteLine($"answer: none (the program ends with {report.Program[^1].Operation}, which answers nothing)");
                break;
        }
        var confidence = $"confidence {report.Confidence:P1} (the probability the model gives this program; model: {report.Model})";
        if (report.Confidence < AnswerReport.LowConfidence) AnsiConsole.MarkupLine($"[yellow]low {Markup.Escape(confidence)}: check the answer[/]");
        else Console.WriteLine(confidence);
    }
}
