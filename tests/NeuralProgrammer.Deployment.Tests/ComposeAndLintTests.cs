using System.Text.Json;
using NeuralProgrammer.Silo;

namespace NeuralProgrammer.Deployment.Tests;

/// <summary>docker-compose.yml, the Prometheus and Grafana files, and the offline validators .ci/run installs.</summary>
public class ComposeAndLintTests
{
    [Theory]
    [InlineData("docker-compose.override.yml")]
    [InlineData("docker-compose.loopback.yml")]
    public async Task docker_compose_config_accepts_the_compose_file_with_each_override(string @override)
    {
        var compose = Commands.Require("docker-compose", "docker-compose");
        var result = await Tool.RunAsync(compose, ["-f", "docker-compose.yml", "-f", @override, "config", "-q"]);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task yamllint_passes_on_k8s_compose_and_deploy()
    {
        var yamllint = Commands.Require("yamllint", "yamllint");
        var result = await Tool.RunAsync(yamllint, ["--strict", "-c", ".yamllint", "k8s", "docker-compose.yml", "docker-compose.override.yml", "docker-compose.loopback.yml", "deploy", ".yamllint"]);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task promtool_accepts_the_Prometheus_configuration()
    {
        var promtool = Commands.Require("promtool", "prometheus");
        foreach (var file in new[] { "deploy/prometheus/prometheus.yml", "deploy/prometheus/prometheus-loopback.yml" })
        {
            var result = await Tool.RunAsync(promtool, ["check", "config", file]);
            Assert.True(result.ExitCode == 0, result.Output);
        }
    }

    [Fact]
    public void Three_silos_cluster_through_the_compose_Redis_and_start_after_it_is_healthy()
    {
        var services = Compose.Services;
        Assert.Contains("redis", services.Keys);
        Assert.NotNull(services["redis"].At("healthcheck.test"));
        Assert.Contains("redis-data:/data", services["redis"].List("volumes").Select(v => v?.ToString()));

        foreach (var name in Compose.SiloServices)
        {
            var silo = services[name];
            var env = silo.StringMap("environment");
            Assert.Equal("Redis", env["NP_Cluster__Provider"]);
            Assert.Equal("Redis", env["NP_Storage__Provider"]);
            Assert.Equal("redis:6379", env["NP_Cluster__Redis"]);
            Assert.Equal(name, env["NP_Silo__AdvertisedAddress"]);
            Assert.Equal(name, silo.Str("hostname"));
            Assert.Equal(SiloSettings.DefaultSiloPort.ToString(), env["NP_Silo__SiloPort"]);
            Assert.Equal(SiloSettings.DefaultGatewayPort.ToString(), env["NP_Silo__GatewayPort"]);
            Assert.Equal("8080", env["ASPNETCORE_HTTP_PORTS"]);
            foreach (var key in env.Keys.Where(k => k.StartsWith(SiloHost.EnvironmentPrefix)))
                Assert.Contains(key[SiloHost.EnvironmentPrefix.Length..].Replace("__", ":"), SiloSettings.Keys);
            Assert.Equal("service_healthy", silo.Str("depends_on.redis.condition"));
            Assert.Contains(HealthProbe.Flag, silo.List("healthcheck.test").Select(t => t?.ToString()));
            Assert.Contains("checkpoints:/data/checkpoints", silo.List("volumes").Select(v => v?.ToString()));
        }

        // Published ports only in docker-compose.override.yml (which the loopback override must leave out: Docker
        // refuses published ports on the host's network), and only on the host's loopback.
        foreach (var (_, service) in services) Assert.Null(service.At("ports"));
        var published = Yaml.Load(Repo.Path_("docker-compose.override.yml")).Map("services");
        Assert.Contains("127.0.0.1:8080:8080", published.Map("silo1").List("ports").Select(p => p?.ToString()));
        foreach (var (_, service) in published)
            foreach (var port in service.List("ports"))
                Assert.StartsWith("127.0.0.1:", port!.ToString(), StringComparison.Ordinal);

        var volumes = Compose.File_.Map("volumes").Keys;
        Assert.Contains("redis-data", volumes);
        Assert.Contains("checkpoints", volumes);
    }

    [Fact]
    public void The_client_is_a_one_shot_demo_job_after_all_silos_are_healthy()
    {
        var client = Compose.Services["client"];
        var command = client.List("command").Select(c => c!.ToString()!).ToList();
        Assert.Equal("train", command[0]);
        // np's --cluster takes redis:<connection string> (or a gateway list): the Redis the silos cluster through.
        Assert.Equal("redis:" + Compose.Services["silo1"].StringMap("environment")["NP_Cluster__Redis"], command[command.IndexOf("--cluster") + 1]);
        Assert.Equal("no", client.Str("restart"));
        foreach (var silo in Compose.SiloServices) Assert.Equal("service_healthy", client.Str($"depends_on.{silo}.condition"));
        var silo1 = Compose.Services["silo1"].StringMap("environment");
        Assert.Equal(silo1["NP_Cluster__ServiceId"], client.StringMap("environment")["NP_Cluster__ServiceId"]);
        Assert.Equal(silo1["NP_Cluster__ClusterId"], client.StringMap("environment")["NP_Cluster__ClusterId"]);
    }

    [Fact]
    public void Prometheus_scrapes_every_compose_silo_and_Grafana_gets_the_dashboard()
    {
        var services = Compose.Services;
        Assert.Contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", services["prometheus"].List("volumes").Select(v => v?.ToString()));
        var config = Yaml.Load(Repo.Path_("deploy", "prometheus", "prometheus.yml"));
        var job = Assert.Single(config.Maps("scrape_configs"));
        Assert.Equal(SiloHost.MetricsPath, job.Str("metrics_path"));
        var targets = job.Maps("static_configs").SelectMany(c => c.List("targets")).Select(t => t!.ToString()).Order().ToList();
        Assert.Equal(Compose.SiloServices.Select(s => $"{s}:8080").Order(), targets);

        var grafanaVolumes = services["grafana"].List("volumes").Select(v => v!.ToString()!).ToList();
        foreach (var volume in grafanaVolumes)
            Assert.True(Directory.Exists(Repo.Path_(volume.Split(':')[0])), $"grafana mounts missing {volume}");
        var datasource = Assert.Single(Yaml.Load(Repo.Path_("deploy", "grafana", "provisioning", "datasources", "prometheus.yml")).Maps("datasources"));
        Assert.Equal("http://prometheus:9090", datasource.Str("url"));
    }

    [Fact]
    public void The_loopback_override_puts_every_started_service_on_the_hosts_loopback_with_ports_of_its_own()
    {
        var loopback = Yaml.Load(Repo.Path_("docker-compose.loopback.yml")).Map("services");
        Assert.Equal(["grafana"], loopback.Map("grafana").List("profiles").Select(p => p!.ToString()));
        var started = loopback.Where(kv => kv.Key != "grafana").ToList();
        Assert.Equal(Compose.Services.Keys.Where(k => k != "grafana").Order(), started.Select(kv => kv.Key).Order());
        foreach (var (name, service) in started)
        {
            Assert.Equal("host", service.Str("network_mode"));
            Assert.True(Compose.Services[name].Str("read_only") == "true" || service.Str("read_only") == "true", $"{name} has a writable root filesystem");
        }

        var silos = Compose.SiloServices.Select(s => loopback.Map(s).StringMap("environment")).ToList();
        Assert.All(silos, env => Assert.Equal("127.0.0.1", env["NP_Silo__ListenAddress"]));
        Assert.All(silos, env => Assert.StartsWith("http://127.0.0.1:", env["ASPNETCORE_URLS"], StringComparison.Ordinal));
        var ports = silos.SelectMany(env => new[] { env["ASPNETCORE_URLS"].Split(':')[^1], env["NP_Silo__SiloPort"], env["NP_Silo__GatewayPort"] }).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());

        // Redis, the client and Prometheus point at the same loopback addresses.
        var redisPort = loopback.Map("redis").List("command").Select(c => c!.ToString()!).SkipWhile(c => c != "--port").ElementAt(1);
        Assert.All(silos, env => Assert.Equal($"127.0.0.1:{redisPort}", env["NP_Cluster__Redis"]));
        var client = loopback.Map("client").List("command").Select(c => c!.ToString()!).ToList();
        Assert.Equal($"redis:127.0.0.1:{redisPort}", client[client.IndexOf("--cluster") + 1]);
        var job = Assert.Single(Yaml.Load(Repo.Path_("deploy", "prometheus", "prometheus-loopback.yml")).Maps("scrape_configs"));
        Assert.Equal(silos.Select(env => env["ASPNETCORE_URLS"]["http://".Length..]).Order(),
            job.Maps("static_configs").SelectMany(c => c.List("targets")).Select(t => t!.ToString()!).Order());
        Assert.Equal(Compose.SiloServices.Order(), job.Maps("static_configs").Select(c => c.Str("labels.service")!).Order());
    }

    public static readonly string[] TrainingMetrics =
    [
        "np_training_examples_total", "np_training_loss", "np_eval_accuracy", "np_step_duration_seconds_bucket",
        "np_gradient_noise_stddev", "np_workers_active", "np_sweep_trials", "np_parameter_server_bytes_total",
        "np_parameter_server_update_seconds", "np_worker_compute_seconds", "np_worker_queue_seconds",
    ];

    [Fact]
    public void The_Grafana_dashboard_charts_every_training_metric_by_job_or_sweep()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Repo.Path_("deploy", "grafana", "dashboards", "neural-programmer.json")));
        var root = dashboard.RootElement;
        var expressions = root.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        foreach (var metric in TrainingMetrics)
        {
            var uses = expressions.Where(e => e.Contains(metric)).ToList();
            Assert.True(uses.Count > 0, $"no panel charts {metric}");
            Assert.All(uses, e => Assert.True(e.Contains("job=~\"$job\"") || e.Contains("sweep=~\"$sweep\""), $"{e} filters by neither job nor sweep"));
        }
        Assert.Contains("state", expressions.Single(e => e.Contains("np_sweep_trials")));
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.Superset(new HashSet<string?> { "datasource", "job", "sweep" }, variables.ToHashSet());
    }
}
