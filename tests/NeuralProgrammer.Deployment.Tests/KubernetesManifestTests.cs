using System.Text.Json;
using System.Text.RegularExpressions;
using NeuralProgrammer.Silo;

namespace NeuralProgrammer.Deployment.Tests;

/// <summary>The manifests in k8s/, parsed with YamlDotNet and checked against each other, the silo and the Dockerfile.</summary>
public class KubernetesManifestTests
{
    static Dictionary<string, object?> Silo => Manifests.SiloContainer;
    static Dictionary<string, string> SiloPodLabels => Manifests.SiloDeployment.Doc.StringMap("spec.template.metadata.labels");

    [Fact]
    public void Each_kustomization_lists_its_files_and_puts_everything_in_one_namespace()
    {
        foreach (var dir in Manifests.Kustomizations)
        {
            var kustomization = Manifests.Kustomization(dir);
            Assert.Equal(Manifests.Namespace, kustomization.Str("namespace"));
            var listed = kustomization.List("resources").Select(r => r!.ToString()!).ToHashSet();
            foreach (var file in listed) Assert.True(File.Exists(Repo.Path_(dir, file)), $"{dir}/kustomization.yaml lists missing {file}");
            var present = Directory.GetFiles(Repo.Path_(dir), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml");
            foreach (var file in present) Assert.True(listed.Contains(file!), $"{dir}/{file} is in no kustomization");
        }
        Assert.Equal(Manifests.Namespace, Manifests.One("Namespace", Manifests.Namespace).Name);
        foreach (var o in Manifests.All.Where(o => o.Kind != "Namespace"))
            Assert.True(o.Doc.Str("metadata.namespace") is null or Manifests.Namespace, $"{o} names another namespace");
        Assert.All(Manifests.All, o => Assert.False(string.IsNullOrEmpty(o.Name), $"{o} has no name"));
    }

    [Fact]
    public void Selectors_match_the_labels_of_what_they_select()
    {
        foreach (var workload in Manifests.OfKind("Deployment"))
        {
            var selector = workload.Doc.StringMap("spec.selector.matchLabels");
            Assert.True(Manifests.Matches(selector, workload.Doc.StringMap("spec.template.metadata.labels")), $"{workload}: selector does not match its pods");
        }
        var podLabels = Manifests.OfKind("Deployment").Select(d => d.Doc.StringMap("spec.template.metadata.labels")).ToList();
        foreach (var service in Manifests.OfKind("Service"))
            Assert.True(podLabels.Count(l => Manifests.Matches(service.Doc.StringMap("spec.selector"), l)) == 1, $"{service} selects no pods, or pods of several workloads");
        foreach (var name in new[] { "np-silo-gateway", "np-silo-http" })
            Assert.True(Manifests.Matches(Manifests.One("Service", name).Doc.StringMap("spec.selector"), SiloPodLabels), $"{name} does not select the silos");

        var pdb = Manifests.One("PodDisruptionBudget", "np-silo");
        Assert.True(Manifests.Matches(pdb.Doc.StringMap("spec.selector.matchLabels"), SiloPodLabels));
        Assert.True(pdb.Doc.At("spec.maxUnavailable") is not null || pdb.Doc.At("spec.minAvailable") is not null);

        var antiAffinity = Assert.Single(Manifests.SiloDeployment.Doc.Maps("spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution"));
        Assert.True(Manifests.Matches(antiAffinity.StringMap("podAffinityTerm.labelSelector.matchLabels"), SiloPodLabels));

        // The ServiceMonitor selects the HTTP service only, by a port name that service has.
        var monitor = Manifests.One("ServiceMonitor", "np-silo");
        var monitored = Manifests.OfKind("Service").Where(s => Manifests.Matches(monitor.Doc.StringMap("spec.selector.matchLabels"), s.Doc.StringMap("metadata.labels"))).ToList();
        Assert.Equal("np-silo-http", Assert.Single(monitored).Name);
        var endpoint = Assert.Single(monitor.Doc.Maps("spec.endpoints"));
        Assert.Contains(endpoint.Str("port"), monitored[0].Doc.Maps("spec.ports").Select(p => p.Str("name")));
        Assert.Equal(SiloHost.MetricsPath, endpoint.Str("path"));
    }

    [Fact]
    public void Ports_agree_with_the_silo_configuration_the_services_the_probes_and_the_Dockerfile()
    {
        var ports = Silo.Maps("ports").ToDictionary(p => p.Str("name")!, p => int.Parse(p.Str("containerPort")!));
        Assert.Equal(SiloSettings.DefaultSiloPort, ports["silo"]);
        Assert.Equal(SiloSettings.DefaultGatewayPort, ports["gateway"]);
        Assert.Equal(ports["silo"], int.Parse(Manifests.Value(Silo, "NP_Silo__SiloPort")));
        Assert.Equal(ports["gateway"], int.Parse(Manifests.Value(Silo, "NP_Silo__GatewayPort")));
        Assert.Equal(ports["http"], int.Parse(Manifests.Value(Silo, "ASPNETCORE_HTTP_PORTS")));

        foreach (var service in Manifests.OfKind("Service").Where(s => s.Name.StartsWith("np-silo")))
            foreach (var port in service.Doc.Maps("spec.ports"))
            {
                var target = port.Str("targetPort")!;
                Assert.True(ports.ContainsKey(target), $"{service}: targetPort {target} is not a named silo container port");
                Assert.Equal(ports[target], int.Parse(port.Str("port")!));
            }

        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            Assert.Equal(SiloHost.HealthPath, Silo.Str($"{probe}.httpGet.path"));
            Assert.Equal("http", Silo.Str($"{probe}.httpGet.port"));
        }

        var annotations = Manifests.SiloDeployment.Doc.StringMap("spec.template.metadata.annotations");
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(ports["http"].ToString(), annotations["prometheus.io/port"]);
        Assert.Equal(SiloHost.MetricsPath, annotations["prometheus.io/path"]);

        var expose = Dockerfile.Stage("app").Single(l => l.StartsWith("EXPOSE ")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(int.Parse);
        Assert.Equal(ports.Values.Order(), expose.Order());
        var env = Dockerfile.Env("app");
        Assert.Equal(ports["http"].ToString(), env["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal(ports["silo"].ToString(), env["NP_Silo__SiloPort"]);
        Assert.Equal(ports["gateway"].ToString(), env["NP_Silo__GatewayPort"]);
    }

    [Fact]
    public void The_silo_gets_every_variable_it_reads_and_none_it_does_not_know()
    {
        var env = Manifests.Env(Silo);
        foreach (var name in SiloSettings.KubernetesEnvironment) Assert.True(env.ContainsKey(name), $"the silo Deployment does not set {name}");

        Assert.Equal("metadata.name", env["POD_NAME"].Str("valueFrom.fieldRef.fieldPath"));
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].Str("valueFrom.fieldRef.fieldPath"));
        Assert.Equal("status.podIP", env["POD_IP"].Str("valueFrom.fieldRef.fieldPath"));
        // The cluster ids come from the pod's own orleans/* labels, so the two can never disagree.
        Assert.Equal("metadata.labels['orleans/serviceId']", env["ORLEANS_SERVICE_ID"].Str("valueFrom.fieldRef.fieldPath"));
        Assert.Equal("metadata.labels['orleans/clusterId']", env["ORLEANS_CLUSTER_ID"].Str("valueFrom.fieldRef.fieldPath"));
        Assert.True(SiloPodLabels.ContainsKey("orleans/serviceId") && SiloPodLabels.ContainsKey("orleans/clusterId"));

        Assert.Equal("Kubernetes", Manifests.Value(Silo, "NP_Cluster__Provider"));
        Assert.Equal("Redis", Manifests.Value(Silo, "NP_Storage__Provider"));

        foreach (var name in env.Keys.Where(n => n.StartsWith(SiloHost.EnvironmentPrefix)))
        {
            var key = name[SiloHost.EnvironmentPrefix.Length..].Replace("__", ":");
            Assert.True(SiloSettings.Keys.Contains(key), $"{name} sets '{key}', which the silo does not read");
        }

        // Values from Secrets and ConfigMaps resolve to something defined in k8s/.
        foreach (var (owner, container) in Manifests.Containers)
            foreach (var (name, entry) in Manifests.Env(container))
            {
                if (entry.At("valueFrom.secretKeyRef") is { } secretRef)
                {
                    var secret = Manifests.One("Secret", secretRef.Str("name")!);
                    Assert.True(secret.Doc.StringMap("stringData").ContainsKey(secretRef.Str("key")!) || secret.Doc.StringMap("data").ContainsKey(secretRef.Str("key")!),
                        $"{owner}: {name} refers to a key that Secret {secret.Name} lacks");
                }
                if (entry.At("valueFrom.configMapKeyRef") is { } mapRef)
                    Assert.True(Manifests.One("ConfigMap", mapRef.Str("name")!).Doc.StringMap("data").ContainsKey(mapRef.Str("key")!));
            }

        // The Redis connection string in the Secret names the Redis Service and its port.
        var connection = Manifests.One("Secret", "np-redis").Doc.StringMap("stringData")["connection-string"];
        var redis = Manifests.One("Service", "np-redis");
        Assert.Equal($"{redis.Name}:{Assert.Single(redis.Doc.Maps("spec.ports")).Str("port")}", connection.Split(',')[0]);
    }

    [Fact]
    public void The_service_account_is_bound_to_the_role_that_Kubernetes_hosting_needs()
    {
        var account = Manifests.SiloDeployment.Doc.Str("spec.template.spec.serviceAccountName");
        Assert.Equal(account, Manifests.One("ServiceAccount", account!).Name);

        var binding = Assert.Single(Manifests.OfKind("RoleBinding"));
        Assert.Contains(binding.Doc.Maps("subjects"), s => s.Str("kind") == "ServiceAccount" && s.Str("name") == account && s.Str("namespace") == Manifests.Namespace);
        Assert.Equal("Role", binding.Doc.Str("roleRef.kind"));
        Assert.Equal("rbac.authorization.k8s.io", binding.Doc.Str("roleRef.apiGroup"));
        var role = Manifests.One("Role", binding.Doc.Str("roleRef.name")!);

        var verbs = PodVerbs(role);
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch" }, verbs);
        // Delete only if the silo is told to delete defunct silos' pods.
        var deletes = bool.Parse(Manifests.Value(Silo, "NP_Cluster__Kubernetes__DeleteDefunctSiloPods"));
        Assert.Equal(deletes, verbs.Contains("delete"));
        Assert.Empty(verbs.Except(["get", "list", "watch", "patch", "delete"]));
    }

    internal static HashSet<string> PodVerbs(K8sObject role) =>
        role.Doc.Maps("rules")
            .Where(r => r.List("apiGroups").Contains("") && r.List("resources").Contains("pods"))
            .SelectMany(r => r.List("verbs").Select(v => v!.ToString()!))
            .ToHashSet();

    [Fact]
    public void Images_and_tags_agree_with_the_Dockerfile_compose_and_kustomize()
    {
        // One application image: the silo by default, np as the other entrypoint.
        var image = $"neural-programmer/np:{Dockerfile.Version}";
        foreach (var (owner, container) in Manifests.Containers.Where(c => c.Container.Str("image")!.StartsWith("neural-programmer/")))
            Assert.Equal(image, container.Str("image"));
        Assert.Equal(image, Silo.Str("image"));
        foreach (var dir in new[] { "k8s", "k8s/sweep" })
            foreach (var entry in Manifests.Kustomization(dir).Maps("images"))
                Assert.Equal((image.Split(':')[0], Dockerfile.Version), (entry.Str("name"), entry.Str("newTag")));

        var compose = Compose.Services;
        foreach (var name in Compose.SiloServices.Append("client"))
        {
            Assert.Equal(image, compose[name].Str("image"));
            Assert.Equal("app", compose[name].Str("build.target"));
        }
        Assert.Equal(["np"], compose["client"].List("entrypoint").Select(e => e!.ToString()));

        // Base images are build arguments, the official .NET images by default (Ubuntu 24.04: GLIBCXX_3.4.32+, for
        // TorchSharp); deploy/images/build.sh gives its own Debian image instead.
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0-noble", Dockerfile.Arg("SDK_IMAGE"));
        Assert.Equal("mcr.microsoft.com/dotnet/runtime-deps:10.0-noble", Dockerfile.Arg("BASE_IMAGE"));
        Assert.Equal(["${SDK_IMAGE}", "scratch", "${APP_FILES}", "${BASE_IMAGE}"], Dockerfile.Froms);
        // Non-root (1654, the official images' user "app"), with a health check on /healthz and the silo as entrypoint.
        var app = Dockerfile.Stage("app");
        Assert.Contains("USER 1654:1654", app);
        Assert.Contains(app, l => l.StartsWith("HEALTHCHECK") && l.Contains(HealthProbe.Flag));
        Assert.Contains("ENTRYPOINT [\"NeuralProgrammer.Silo\"]", app);
        foreach (var o in Manifests.All.Where(o => o.Kind is "Deployment" or "Job" && o.Doc.Maps("spec.template.spec.containers").Any(c => c.Str("image")!.StartsWith("neural-programmer/"))))
            Assert.Equal("1654", o.Doc.Str("spec.template.spec.securityContext.runAsUser"));
    }

    [Fact]
    public void The_Dockerfile_restores_every_project_the_silo_and_the_client_build_from()
    {
        // Projects the two images publish, and everything they reference, transitively.
        var needed = new HashSet<string>();
        var pending = new Stack<string>(["Silo/NeuralProgrammer.Silo.csproj", "Client/NeuralProgrammer.Client.csproj"]);
        while (pending.TryPop(out var project))
        {
            if (!needed.Add(project)) continue;
            var xml = System.Xml.Linq.XDocument.Load(Repo.Path_(project));
            foreach (var reference in xml.Descendants("ProjectReference").Select(r => r.Attribute("Include")!.Value))
            {
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Repo.Path_(project))!, reference.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repo.Root, full).Replace('\\', '/'));
            }
        }
        var copied = Dockerfile.Stage("publish").Where(l => l.StartsWith("COPY ") && l.EndsWith(".csproj " + l.Split(' ')[^1]))
            .Select(l => l.Split(' ')[1]).ToHashSet();
        foreach (var project in needed) Assert.True(copied.Contains(project), $"the Dockerfile's restore stage does not COPY {project}");
        // The client references the silo: its publish holds both programs.
        Assert.Contains(Dockerfile.Stage("publish"), l => l.StartsWith("RUN dotnet publish Client/NeuralProgrammer.Client.csproj"));
        Assert.Contains("Silo/NeuralProgrammer.Silo.csproj", needed);
        // The build context keeps what those projects build from.
        var ignored = File.ReadAllLines(Repo.Path_(".dockerignore")).Select(l => l.Trim().TrimEnd('/')).ToHashSet();
        foreach (var dir in needed.Select(p => p.Split('/')[0]).Append("build"))
            Assert.DoesNotContain(dir, ignored);
    }

    [Fact]
    public void Every_container_has_requests_limits_and_a_locked_down_security_context()
    {
        foreach (var (owner, container) in Manifests.Containers)
        {
            foreach (var path in new[] { "resources.requests.cpu", "resources.requests.memory", "resources.limits.cpu", "resources.limits.memory" })
                Assert.True(container.At(path) is not null, $"{owner} {container.Str("name")}: no {path}");
            Assert.Equal("false", container.Str("securityContext.allowPrivilegeEscalation"));
            Assert.Equal("true", owner.Doc.Str("spec.template.spec.securityContext.runAsNonRoot"));
        }
        var grace = int.Parse(Manifests.SiloDeployment.Doc.Str("spec.template.spec.terminationGracePeriodSeconds")!);
        Assert.True(grace > int.Parse(Manifests.Value(Silo, "NP_Silo__ShutdownTimeoutSeconds")), "the pod is killed before the silo's own shutdown timeout");
    }

    [Fact]
    public void The_sweep_Job_runs_the_client_on_the_silos_cluster_with_the_spec_from_its_ConfigMap()
    {
        var job = Assert.Single(Manifests.OfKind("Job"));
        var container = Assert.Single(job.Doc.Maps("spec.template.spec.containers"));
        var args = container.List("args").Select(a => a!.ToString()!).ToList();
        Assert.Equal("sweep", args[0]);
        var mount = Assert.Single(container.Maps("volumeMounts"), m => m.Str("name") == "spec");
        var volume = Assert.Single(job.Doc.Maps("spec.template.spec.volumes"), v => v.Str("name") == "spec");
        var configMap = Manifests.One("ConfigMap", volume.Str("configMap.name")!);
        var specFile = args[args.IndexOf("--spec") + 1];
        Assert.Equal(mount.Str("mountPath"), Path.GetDirectoryName(specFile));
        using var spec = JsonDocument.Parse(configMap.Doc.StringMap("data")[Path.GetFileName(specFile)]);
        Assert.Equal(JsonValueKind.Object, spec.RootElement.ValueKind);

        // $(VAR) in args must be defined in the container's env, as Kubernetes expands only those.
        var env = Manifests.Env(container);
        foreach (Match m in Regex.Matches(string.Join(' ', args), @"\$\((\w+)\)")) Assert.True(env.ContainsKey(m.Groups[1].Value), $"args use undefined $({m.Groups[1].Value})");
        // np's --cluster takes redis:<connection string>; the Job's comes from the silos' Secret.
        Assert.Equal("redis:$(NP_Cluster__Redis)", args[args.IndexOf("--cluster") + 1]);
        Assert.Equal(Manifests.Env(Silo)["NP_Cluster__Redis"].Str("valueFrom.secretKeyRef.name"), env["NP_Cluster__Redis"].Str("valueFrom.secretKeyRef.name"));
        Assert.Equal(SiloPodLabels["orleans/serviceId"], Manifests.Value(container, "NP_Cluster__ServiceId"));
        Assert.Equal(SiloPodLabels["orleans/clusterId"], Manifests.Value(container, "NP_Cluster__ClusterId"));
        Assert.Equal("Never", job.Doc.Str("spec.template.spec.restartPolicy"));
    }
}

/// <summary>The Dockerfile, read as lines (continuations joined) grouped by build stage.</summary>
static class Dockerfile
{
    static readonly List<string> Lines = Regex.Replace(File.ReadAllText(Repo.Path_("Dockerfile")), @"\\\r?\n\s*", " ")
        .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    public static IEnumerable<string> Froms => Lines.Where(l => l.StartsWith("FROM ")).Select(l => l.Split(' ')[1]);

    /// <summary>The default of <c>ARG VERSION</c>: the images' tag.</summary>
    public static string Version => Arg("VERSION");

    public static string Arg(string name) =>
        Lines.Select(l => Regex.Match(l, $@"^ARG {name}=(\S+)$")).Single(m => m.Success).Groups[1].Value;

    public static List<string> Stage(string name)
    {
        var start = Lines.FindIndex(l => Regex.IsMatch(l, $@"^FROM \S+ AS {Regex.Escape(name)}$"));
        Assert.True(start >= 0, $"the Dockerfile has no stage '{name}'");
        return Lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("FROM ")).ToList();
    }

    public static Dictionary<string, string> Env(string stage) =>
        Stage(stage).Where(l => l.StartsWith("ENV "))
            .SelectMany(l => Regex.Matches(l, @"(\w+)=(\S+)").Select(m => (m.Groups[1].Value, m.Groups[2].Value)))
            .ToDictionary(kv => kv.Item1, kv => kv.Item2);
}

/// <summary>docker-compose.yml (merge keys resolved).</summary>
static class Compose
{
    public static Dictionary<string, object?> File_ => Yaml.Load(Repo.Path_("docker-compose.yml"));

    public static Dictionary<string, Dictionary<string, object?>> Services =>
        File_.Map("services").ToDictionary(kv => kv.Key, kv => (Dictionary<string, object?>)kv.Value!);

    public static string[] SiloServices => ["silo1", "silo2", "silo3"];
}
