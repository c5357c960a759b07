using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace NeuralProgrammer.Deployment.Tests;

/// <summary>YAML documents as plain maps (string keys), lists and strings; merge keys (&lt;&lt;) resolved.</summary>
static class Yaml
{
    public static List<Dictionary<string, object?>> LoadAll(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new MergingParser(new Parser(new StringReader(File.ReadAllText(path))));
        var documents = new List<Dictionary<string, object?>>();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = deserializer.Deserialize<object?>(parser);
            if (Normalize(document) is Dictionary<string, object?> map) documents.Add(map);
        }
        return documents;
    }

    public static Dictionary<string, object?> Load(string path) => Assert.Single(LoadAll(path));

    static object? Normalize(object? node) => node switch
    {
        Dictionary<object, object?> map => map.ToDictionary(kv => kv.Key.ToString()!, kv => Normalize(kv.Value)),
        List<object?> list => list.Select(Normalize).ToList(),
        _ => node,
    };

    /// <summary>Follows a dotted path of map keys; null if any step is missing.</summary>
    public static object? At(this object? node, string path)
    {
        foreach (var key in path.Split('.'))
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(key, out node)) return null;
        }
        return node;
    }

    public static Dictionary<string, object?> Map(this object? node, string path) =>
        node.At(path) as Dictionary<string, object?> ?? throw new Xunit.Sdk.XunitException($"no map at '{path}'");

    public static List<object?> List(this object? node, string path) =>
        node.At(path) as List<object?> ?? throw new Xunit.Sdk.XunitException($"no list at '{path}'");

    public static string? Str(this object? node, string path) => node.At(path)?.ToString();

    public static Dictionary<string, string> StringMap(this object? node, string path) =>
        (node.At(path) as Dictionary<string, object?> ?? []).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "");

    public static IEnumerable<Dictionary<string, object?>> Maps(this object? node, string path) =>
        (node.At(path) as List<object?> ?? []).OfType<Dictionary<string, object?>>();
}

/// <summary>One Kubernetes object from a manifest file.</summary>
sealed record K8sObject(string File, Dictionary<string, object?> Doc)
{
    public string Kind => Doc.Str("kind") ?? "";
    public string Name => Doc.Str("metadata.name") ?? "";
    public override string ToString() => $"{Kind}/{Name} ({Path.GetFileName(File)})";
}

/// <summary>The manifests of k8s/ and its optional kustomizations, as kustomize would list them.</summary>
static class Manifests
{
    public static readonly string[] Kustomizations = ["k8s", "k8s/prometheus-operator", "k8s/sweep"];
    public const string Namespace = "neural-programmer";

    public static Dictionary<string, object?> Kustomization(string dir) => Yaml.Load(Repo.Path_(dir, "kustomization.yaml"));

    public static IReadOnlyList<K8sObject> All { get; } = Kustomizations
        .SelectMany(dir => Kustomization(dir).List("resources").Select(r => Repo.Path_(dir, r!.ToString()!)))
        .SelectMany(file => Yaml.LoadAll(file).Select(doc => new K8sObject(file, doc)))
        .ToList();

    public static K8sObject One(string kind, string name) =>
        All.SingleOrDefault(o => o.Kind == kind && o.Name == name) ?? throw new Xunit.Sdk.XunitException($"no {kind}/{name} in k8s/");

    public static IEnumerable<K8sObject> OfKind(string kind) => All.Where(o => o.Kind == kind);

    public static K8sObject SiloDeployment => One("Deployment", "np-silo");

    public static Dictionary<string, object?> SiloContainer =>
        Assert.Single(SiloDeployment.Doc.Maps("spec.template.spec.containers"), c => c.Str("name") == "silo");

    /// <summary>Every container of a Deployment or Job with the object it belongs to.</summary>
    public static IEnumerable<(K8sObject Owner, Dictionary<string, object?> Container)> Containers =>
        All.Where(o => o.Kind is "Deployment" or "Job" or "StatefulSet")
            .SelectMany(o => o.Doc.Maps("spec.template.spec.containers").Select(c => (o, c)));

    public static bool Matches(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>A container's env as name → entry (value or valueFrom).</summary>
    public static Dictionary<string, Dictionary<string, object?>> Env(Dictionary<string, object?> container) =>
        container.Maps("env").ToDictionary(e => e.Str("name")!, e => e);

    /// <summary>The plain value of an env var (not valueFrom), or a failure.</summary>
    public static string Value(Dictionary<string, object?> container, string name) =>
        Env(container).TryGetValue(name, out var e) && e.Str("value") is { } v ? v : throw new Xunit.Sdk.XunitException($"env {name} has no plain value");
}
