using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralProgrammer.Grains;

/// <summary>
/// A <see cref="JobSpec"/> in JSON as users write it: <c>{"Preset": "demo", "Seed": 3, "Workers": 2,
/// "HyperParameters": {"ClipNorm": 5, "Comparison": "paper"}}</c>. Every property but the job's own
/// (<c>Preset</c>, <c>Workers</c>, <c>BatchPerWorker</c>, <c>Epochs</c>) is a setting, kept by name and value text
/// (names under <c>HyperParameters</c> prefixed with it); whether the name and value are valid is for
/// <c>JobSpecs</c> to say, naming the setting. Null means "not given", a list is written as comma-separated text.
/// </summary>
public sealed class JobSpecJsonConverter : JsonConverter<JobSpec>
{
    const string HyperParameters = "HyperParameters";

    public override JobSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException($"a job spec is a JSON object, not {reader.TokenType}");
        var spec = new JobSpec();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (Is(name, nameof(JobSpec.Preset))) spec = spec with { Preset = reader.TokenType == JsonTokenType.Null ? null : Text(ref reader, name) };
            else if (Is(name, nameof(JobSpec.Workers))) spec = spec with { Workers = Integer(ref reader, name) };
            else if (Is(name, nameof(JobSpec.BatchPerWorker))) spec = spec with { BatchPerWorker = Integer(ref reader, name) };
            else if (Is(name, nameof(JobSpec.Epochs))) spec = spec with { Epochs = Integer(ref reader, name) };
            else if (Is(name, HyperParameters) || Is(name, nameof(JobSpec.Settings)))
            {
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException($"{name}: expected an object of settings");
                var prefix = Is(name, HyperParameters) ? HyperParameters + "." : "";
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var inner = reader.GetString()!;
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Null) settings[prefix + inner] = Text(ref reader, prefix + inner);
                }
            }
            else if (reader.TokenType != JsonTokenType.Null) settings[name] = Text(ref reader, name);
        }
        return settings.Count > 0 ? spec with { Settings = settings } : spec;
    }

    public override void Write(Utf8JsonWriter writer, JobSpec value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.Preset is not null) writer.WriteString(nameof(JobSpec.Preset), value.Preset);
        var settings = value.Settings ?? [];
        foreach (var (name, text) in settings.Where(p => !p.Key.Contains('.')))
            WriteValue(writer, name, text);
        var nested = settings.Where(p => p.Key.StartsWith(HyperParameters + ".", StringComparison.OrdinalIgnoreCase)).ToList();
        if (nested.Count > 0)
        {
            writer.WriteStartObject(HyperParameters);
            foreach (var (name, text) in nested) WriteValue(writer, name[(HyperParameters.Length + 1)..], text);
            writer.WriteEndObject();
        }
        // Names with another prefix are not settings; kept so that validation can name them.
        foreach (var (name, text) in settings.Where(p => p.Key.Contains('.') && !nested.Any(n => n.Key == p.Key)))
            WriteValue(writer, name, text);
        if (value.Workers is { } workers) writer.WriteNumber(nameof(JobSpec.Workers), workers);
        if (value.BatchPerWorker is { } perWorker) writer.WriteNumber(nameof(JobSpec.BatchPerWorker), perWorker);
        if (value.Epochs is { } epochs) writer.WriteNumber(nameof(JobSpec.Epochs), epochs);
        writer.WriteEndObject();
    }

    /// <summary>Numbers and booleans as JSON numbers and booleans, so that a written spec reads like one a person wrote.</summary>
    static void WriteValue(Utf8JsonWriter writer, string name, string text)
    {
        if (text is "true" or "false") writer.WriteBoolean(name, text == "true");
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && !text.Contains(','))
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(text.Trim(), skipInputValidation: false);
        }
        else writer.WriteString(name, text);
    }

    static bool Is(string name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);

    static string Text(ref Utf8JsonReader reader, string name)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String: return reader.GetString()!;
            case JsonTokenType.Number: return RawText(reader);
            case JsonTokenType.True: return "true";
            case JsonTokenType.False: return "false";
            case JsonTokenType.StartArray:
                var items = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Add(Text(ref reader, name));
                return string.Join(',', items);
            default: throw new JsonException($"{name}: expected a number, a string, a boolean or a list, not {reader.TokenType}");
        }
    }

    static string RawText(Utf8JsonReader reader) => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);

    static int? Integer(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number when reader.TryGetInt32(out var n) => n,
        JsonTokenType.String when int.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => throw new JsonException($"{name}: expected a whole number"),
    };
}
