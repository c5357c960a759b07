using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NeuralProgrammer.Silo;

namespace NeuralProgrammer.Deployment.Tests;

/// <summary>
/// The silo started as a process with exactly the environment that k8s/silo.yaml gives its container, values faked
/// only where the cluster supplies them, joins a Redis cluster, serves /healthz, and does with the Kubernetes API
/// no more than the Role allows.
/// </summary>
public class KubernetesSiloTests
{
    [Fact]
    public async Task Two_silos_with_the_manifest_environment_form_a_cluster_and_use_only_the_verbs_the_Role_grants()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var api = await FakeKubernetesApi.StartAsync(Manifests.Namespace);
        var kubeconfig = api.WriteKubeconfig();
        var podLabels = Manifests.SiloDeployment.Doc.StringMap("spec.template.metadata.labels");
        // Pods as the Deployment creates them, less the orleans/* labels, so that the silo's label patch is exercised.
        foreach (var pod in new[] { "np-silo-a", "np-silo-b" })
            api.AddPod(pod, podLabels.Where(l => !l.Key.StartsWith("orleans/")).ToDictionary());

        var silos = new List<SiloProcess>();
        try
        {
            var urls = new List<string>();
            foreach (var pod in new[] { "np-silo-a", "np-silo-b" })
            {
                var (environment, url) = ManifestEnvironment(pod, redis.ConnectionString, kubeconfig);
                urls.Add(url);
                silos.Add(SiloProcess.Start(pod, environment));
            }
            string Logs() => string.Join("\n", silos.Select(s => s.Log)) + "\n--- Kubernetes API requests\n" + string.Join("\n", api.Requests);

            foreach (var url in urls)
            {
                var (status, body) = await Http.WaitForOkAsync(url + SiloHost.HealthPath, TimeSpan.FromSeconds(60), () => silos.Any(s => s.HasExited));
                Assert.True(status == HttpStatusCode.OK, $"{url}/healthz: {status} {body}\n{Logs()}");
            }

            await using (var client = await TestClient.ConnectAsync(new Dictionary<string, string?>
            {
                ["Cluster:Provider"] = "Redis",
                ["Cluster:Redis"] = redis.ConnectionString,
                ["Cluster:ServiceId"] = podLabels["orleans/serviceId"],
                ["Cluster:ClusterId"] = podLabels["orleans/clusterId"],
            }))
            {
                var count = 0;
                Assert.True(await Eventually.TrueAsync(async () => (count = await client.ActiveSiloCountAsync()) == 2, TimeSpan.FromSeconds(30)),
                    $"{count} active silos\n{Logs()}");
            }

            // Each silo labelled its own pod with the cluster ids, as UseKubernetesHosting does.
            foreach (var pod in new[] { "np-silo-a", "np-silo-b" })
            {
                Assert.True(await Eventually.TrueAsync(() => Task.FromResult(api.Labels(pod).GetValueOrDefault("orleans/clusterId") == podLabels["orleans/clusterId"]),
                    TimeSpan.FromSeconds(10)), $"{pod} was not labelled\n{Logs()}");
                Assert.Equal(podLabels["orleans/serviceId"], api.Labels(pod)["orleans/serviceId"]);
            }
            var role = Manifests.One("Role", Assert.Single(Manifests.OfKind("RoleBinding")).Doc.Str("roleRef.name")!);
            var granted = KubernetesManifestTests.PodVerbs(role);
            var used = api.Requests.Select(r => r.Split(' ')[0]).ToHashSet();
            Assert.Superset(new HashSet<string> { "get", "patch", "list" }, used);
            Assert.True(used.IsSubsetOf(granted), $"the silos used {string.Join(",", used)}; the Role grants {string.Join(",", granted)}");

            // kubectl delete pod / a rolling update: SIGTERM, then the silo leaves gracefully and exits 0.
            var exit = await silos[0].TerminateAsync(TimeSpan.FromSeconds(50));
            Assert.True(exit == 0, $"exit {exit?.ToString() ?? "none"} after SIGTERM\n{Logs()}");
            using var health = await Http.Client.GetAsync(urls[1] + SiloHost.HealthPath);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    /// <summary>
    /// The silo container's env from k8s/silo.yaml, resolved as the kubelet would for a pod named <paramref name="pod"/>
    /// on 127.0.0.1, with these departures, each needed to run on this machine: the Redis Secret points at the test's
    /// Redis; ports are free loopback ports instead of 8080/11111/30000 (and HTTP binds 127.0.0.1, not all
    /// interfaces); KUBECONFIG points the Kubernetes client at the fake API instead of the pod's service account.
    /// </summary>
    static (Dictionary<string, string> Environment, string Url) ManifestEnvironment(string pod, string redis, string kubeconfig)
    {
        var deployment = Manifests.SiloDeployment.Doc;
        var labels = deployment.StringMap("spec.template.metadata.labels");
        var environment = new Dictionary<string, string>();
        foreach (var (name, entry) in Manifests.Env(Manifests.SiloContainer))
        {
            if (entry.Str("value") is { } value) environment[name] = value;
            else if (entry.Str("valueFrom.fieldRef.fieldPath") is { } field)
                environment[name] = field switch
                {
                    "metadata.name" => pod,
                    "metadata.namespace" => Manifests.Namespace,
                    "status.podIP" => "127.0.0.1",
                    _ when field.StartsWith("metadata.labels['") => labels[field["metadata.labels['".Length..^2]],
                    _ => throw new Xunit.Sdk.XunitException($"{name}: fieldRef {field} is not faked by this test"),
                };
            else if (entry.At("valueFrom.secretKeyRef") is { } secretRef)
            {
                var secret = Manifests.One("Secret", secretRef.Str("name")!).Doc.StringMap("stringData")[secretRef.Str("key")!];
                Assert.Contains("np-redis", secret);
                environment[name] = secret.Replace(secret.Split(',')[0], redis);
            }
            else throw new Xunit.Sdk.XunitException($"{name}: no value this test can resolve");
        }

        var ports = Ports.Free(3);
        var overrides = new Dictionary<string, string>
        {
            ["NP_Silo__SiloPort"] = ports[0].ToString(),
            ["NP_Silo__GatewayPort"] = ports[1].ToString(),
            ["NP_Silo__ListenAddress"] = "127.0.0.1",
        };
        foreach (var (k, v) in overrides)
        {
            Assert.True(environment.ContainsKey(k), $"the manifest does not set {k}");
            environment[k] = v;
        }
        Assert.True(environment.Remove("ASPNETCORE_HTTP_PORTS"), "the manifest does not set ASPNETCORE_HTTP_PORTS");
        var url = $"http://127.0.0.1:{ports[2]}";
        environment["ASPNETCORE_URLS"] = url;
        environment["KUBECONFIG"] = kubeconfig;
        environment["Logging__LogLevel__Default"] = "Warning";
        return (environment, url);
    }
}

/// <summary>
/// Just enough of the Kubernetes API for UseKubernetesHosting: read, patch, list and watch pods in one namespace
/// (a list answers every pod of the namespace). Records each request as "verb pods[/name]".
/// </summary>
sealed class FakeKubernetesApi : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _pods = new();
    readonly CancellationTokenSource _stopping = new();
    readonly string _namespace;
    public ConcurrentQueue<string> Requests { get; } = new();
    public string Url { get; }

    FakeKubernetesApi(WebApplication app, string @namespace, string url) => (_app, _namespace, Url) = (app, @namespace, url);

    public static async Task<FakeKubernetesApi> StartAsync(string @namespace)
    {
        var url = $"http://127.0.0.1:{Ports.Free()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new FakeKubernetesApi(app, @namespace, url);
        var prefix = $"/api/v1/namespaces/{@namespace}/pods";
        app.MapGet(prefix + "/{name}", (string name) => api.Record("get", name) ?? api.Pod(name));
        app.MapMethods(prefix + "/{name}", ["PATCH"], async (string name, HttpRequest request) =>
        {
            if (api.Record("patch", name) is { } missing) return missing;
            var patch = await JsonNode.ParseAsync(request.Body);
            foreach (var (key, value) in patch?["metadata"]?["labels"]?.AsObject() ?? [])
                api._pods[name][key] = value!.GetValue<string>();
            return api.Pod(name);
        });
        app.MapDelete(prefix + "/{name}", (string name) => api.Record("delete", name) ?? api.Pod(name));
        app.MapGet(prefix, async (HttpContext context) =>
        {
            if (context.Request.Query["watch"] is var watch && (watch == "true" || watch == "1"))
            {
                api.Requests.Enqueue("watch pods");
                context.Response.ContentType = "application/json";
                await context.Response.StartAsync();
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, api._stopping.Token);
                try { await Task.Delay(Timeout.Infinite, linked.Token); } catch (OperationCanceledException) { }
                return;
            }
            api.Requests.Enqueue("list pods");
            await context.Response.WriteAsJsonAsync(new
            {
                apiVersion = "v1",
                kind = "PodList",
                metadata = new { resourceVersion = "1" },
                items = api._pods.Keys.Select(api.PodObject).ToArray(),
            });
        });
        await app.StartAsync();
        return api;
    }

    public void AddPod(string name, Dictionary<string, string> labels) => _pods[name] = new ConcurrentDictionary<string, string>(labels);

    public IReadOnlyDictionary<string, string> Labels(string pod) => _pods[pod];

    IResult? Record(string verb, string name)
    {
        Requests.Enqueue($"{verb} pods/{name}");
        return _pods.ContainsKey(name) ? null : Results.Json(new { kind = "Status", apiVersion = "v1", status = "Failure", reason = "NotFound", code = 404 }, statusCode: 404);
    }

    IResult Pod(string name) => Results.Json(PodObject(name));

    object PodObject(string name) => new
    {
        apiVersion = "v1",
        kind = "Pod",
        metadata = new { name, @namespace = _namespace, uid = name, resourceVersion = "1", labels = _pods[name].ToDictionary() },
        status = new { phase = "Running", podIP = "127.0.0.1" },
    };

    /// <summary>A kubeconfig for the fake API (what a pod's service account is to the real one).</summary>
    public string WriteKubeconfig()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("np-kube-").FullName, "config");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake
                cluster:
                  server: {Url}
            users:
              - name: fake
                user:
                  token: fake-token
            contexts:
              - name: fake
                context:
                  cluster: fake
                  user: fake
                  namespace: {_namespace}
            current-context: fake
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _app.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
