using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>The samples of Prometheus text-format pages (a silo's /metrics), summed over pages by name and labels.</summary>
sealed partial class MetricsPage
{
    readonly List<(string Name, Dictionary<string, string> Labels, double Value)> samples = [];

    public MetricsPage(IEnumerable<string> pages)
    {
        foreach (var line in pages.SelectMany(p => p.Split('\n')))
        {
            if (SampleLine().Match(line) is not { Success: true } sample
                || !double.TryParse(sample.Groups["value"].Value, CultureInfo.InvariantCulture, out var value)) continue;
            var labels = Label().Matches(sample.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => Regex.Unescape(l.Groups[2].Value));
            samples.Add((sample.Groups["name"].Value, labels, value));
        }
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every one of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Sum(s => s.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+-?\d+)?\s*$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
