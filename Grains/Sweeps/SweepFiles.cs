using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralProgrammer.Model;
using nietras.SeparatedValues;

namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>
/// Sweep specs and results as files: a spec read from JSON (<c>np sweep --spec</c>), the results table written as CSV
/// (one row per trial, a column per searched field) and as JSON (status, best trial and every trial with its curve).
/// </summary>
public static class SweepFiles
{
    /// <summary>PascalCase names as in the grain messages, enums as text, NaN allowed (a loss before any step).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(), new LenientStringConverter() },
    };

    /// <summary>A spec from JSON text; throws <see cref="SweepSpecException"/> naming the place of a syntax or type error.</summary>
    public static SweepSpec ParseSpec(string json, string source = "spec")
    {
        try
        {
            return JsonSerializer.Deserialize<SweepSpec>(json, Json) ?? throw new SweepSpecException([$"{source}: null; expected a JSON object"]);
        }
        catch (JsonException e)
        {
            throw new SweepSpecException([$"{source}: {e.Message}"]);
        }
    }

    public static string SpecToJson(SweepSpec spec) => JsonSerializer.Serialize(spec, Json);

    public static string ResultsToJson(SweepResults results) => JsonSerializer.Serialize(results, Json);

    public static SweepResults ResultsFromJson(string json) =>
        JsonSerializer.Deserialize<SweepResults>(json, Json) ?? throw new InvalidDataException("The results JSON is null.");

    /// <summary>
    /// The results table as CSV: <c>trial, job, state</c>, a column per searched field (short names such as
    /// <c>ClipNorm</c>), then <c>objective, best_accuracy, best_update, final_accuracy, steps, total_steps,
    /// wall_seconds, reason</c>. Numbers in the invariant culture; empty cells for what a trial does not have yet.
    /// </summary>
    public static string ResultsToCsv(SweepResults results)
    {
        var names = results.Trials.SelectMany(t => t.Parameters.Select(p => p.Name)).Distinct().ToList();
        using var writer = Sep.New(',').Writer(o => o with { Escape = true }).ToText();
        var header = new List<string> { "trial", "job", "state" };
        header.AddRange(names.Select(SweepPlanner.ShortName));
        header.AddRange(["objective", "best_accuracy", "best_update", "final_accuracy", "validated_accuracy", "validated_update", "steps", "total_steps", "wall_seconds", "reason"]);
        if (results.Trials.Length == 0) writer.Header.Add(header.ToArray());
        foreach (var t in results.Trials)
        {
            using var row = writer.NewRow();
            row["trial"].Set(t.Number.ToString(CultureInfo.InvariantCulture));
            row["job"].Set(t.JobId);
            row["state"].Set(SweepMetrics.StateName(t.State));
            foreach (var name in names)
                row[SweepPlanner.ShortName(name)].Set(t.Parameters.FirstOrDefault(p => p.Name == name)?.Value ?? "");
            row["objective"].Set(Number(t.Objective));
            row["best_accuracy"].Set(Number(t.BestAccuracy));
            row["best_update"].Set(t.BestAccuracyUpdate?.ToString(CultureInfo.InvariantCulture) ?? "");
            row["final_accuracy"].Set(Number(t.FinalAccuracy));
            row["validated_accuracy"].Set(Number(t.ValidatedAccuracy));
            row["validated_update"].Set(t.ValidatedUpdate?.ToString(CultureInfo.InvariantCulture) ?? "");
            row["steps"].Set(t.Steps.ToString(CultureInfo.InvariantCulture));
            row["total_steps"].Set(t.TotalSteps.ToString(CultureInfo.InvariantCulture));
            row["wall_seconds"].Set(t.WallSeconds.ToString("F1", CultureInfo.InvariantCulture));
            row["reason"].Set(t.Reason ?? "");
        }
        return writer.ToString();
    }

    /// <summary>Reads the CSV of <see cref="ResultsToCsv"/> back as rows of column → text (for tests and tools).</summary>
    public static List<Dictionary<string, string>> ReadCsv(string csv)
    {
        using var reader = Sep.New(',').Reader(o => o with { Unescape = true }).FromText(csv);
        var rows = new List<Dictionary<string, string>>();
        foreach (var row in reader)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in reader.Header.ColNames) values[name] = row[name].ToString();
            rows.Add(values);
        }
        return rows;
    }

    /// <summary>Writes <c>results.csv</c> and <c>results.json</c> into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Csv, string Json) Write(SweepResults results, string directory)
    {
        var csv = Path.Combine(directory, "results.csv");
        var json = Path.Combine(directory, "results.json");
        AtomicFile.WriteAllText(csv, ResultsToCsv(results));
        AtomicFile.WriteAllText(json, ResultsToJson(results));
        return (csv, json);
    }

    static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>Reads a JSON number or boolean where text is expected (<c>"Values": [1, 5, 50]</c>), as its invariant text.</summary>
    sealed class LenientStringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => null,
            _ => throw new JsonException(), // without a message: the serializer writes one with the path
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
