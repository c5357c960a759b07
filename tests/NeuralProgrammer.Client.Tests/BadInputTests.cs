using System.Text;
using System.Text.Json.Nodes;

namespace NeuralProgrammer.Client.Tests;

/// <summary>
/// The bad-input catalogue of the np console (README, Bad input): each test is one case, named as it is answered — a
/// non-zero exit code and a one-line reason that names the problem, no stack trace, nothing already written lost.
/// </summary>
public class BadInputTests
{
    static async Task<Np.Outcome> AssertFails(string expected, params string[] args)
    {
        var outcome = await Np.Run(args);
        Assert.True(outcome.ExitCode != 0, $"np {string.Join(' ', args)} exited 0: {outcome.Output}");
        Assert.Contains(expected, outcome.Error + outcome.Output);
        Assert.DoesNotContain("   at ", outcome.Error); // a named error, not a stack trace
        return outcome;
    }

    /// <summary>A tiny model's train options: the cases that must fail before training would otherwise train it.</summary>
    static readonly string[] Tiny = ["--preset", "demo", "--dim", "16", "--steps", "4", "--eval-every", "2", "--train-size", "200", "--test-size", "20"];

    static string TemporaryFolder() => Directory.CreateTempSubdirectory("np-bad-input-").FullName;

    // The command line.

    [Fact] public Task Unknown_command_is_refused_naming_it() => AssertFails("frobnicate", "frobnicate");
    [Fact] public Task Unknown_option_is_refused_naming_it() => AssertFails("--stepz", "train", "--stepz", "10");
    [Fact] public Task Unparsable_number_is_refused_naming_the_option() => AssertFails("--steps", "train", "--steps", "many");
    [Fact] public Task Unknown_variant_is_refused() => AssertFails("--variant 'seven-columns': unknown dataset variant", "train", "--variant", "seven-columns");
    [Fact] public Task Unknown_preset_is_refused_listing_the_presets() => AssertFails("'huge'", "train", "--preset", "huge");
    [Fact] public Task NaN_learning_rate_is_refused() => AssertFails("--lr NaN: must be a finite number", "train", "--lr", "NaN");
    [Fact] public Task Negative_learning_rate_is_refused() => AssertFails("--lr -0.001", "train", "--lr", "-0.001");
    [Fact] public Task Zero_steps_are_refused() => AssertFails("--steps 0: must be positive", "train", "--steps", "0");
    [Fact] public Task Negative_gradient_noise_is_refused() => AssertFails("--noise-eta -1", "train", "--noise-eta", "-1");
    [Fact] public Task Unknown_category_is_refused() => AssertFails("--categories 'lookup': 'lookup' is not a template category", "train", "--categories", "lookup");
    [Fact] public Task Unknown_noise_unit_is_refused() => AssertFails("--noise-per 'hour': must be step or epoch", "train", "--noise-per", "hour");
    [Fact] public Task Batch_larger_than_the_training_set_is_refused() => AssertFails("BatchSize = 500", "train", "--batch", "500", "--train-size", "100");
    [Fact] public Task Unknown_device_is_refused() => AssertFails("'tpu'", "train", "--device", "tpu", "--steps", "1");
    [Fact] public Task Zero_workers_are_refused() => AssertFails("--workers 0", "train", "--workers", "0");
    [Fact] public Task Zero_threads_are_refused() => AssertFails("--threads 0: must be at least 1", "train", "--threads", "0");
    [Fact] public Task Local_training_on_a_cluster_is_refused() => AssertFails("--cluster", "train", "--local", "--cluster", "127.0.0.1:30000");
    [Fact] public async Task Eval_on_an_unknown_variant_is_refused() => await AssertFails("Unknown dataset variant 'x'", "eval", "--model", await TrainedModel.Path(), "--variant", "x");
    [Fact] public async Task Eval_on_zero_test_examples_is_refused() => await AssertFails("--test-size 0: must be positive", "eval", "--model", await TrainedModel.Path(), "--test-size", "0");
    [Fact] public Task Ask_without_a_table_is_refused() => AssertFails("--table", "ask", "--model", "m.ckpt", "sum A");

    // The cluster and its jobs.

    [Fact] public Task Unreachable_cluster_is_a_named_error_not_a_hang() => AssertFails("Cannot reach the cluster at '127.0.0.1:1'", "train", "--cluster", "127.0.0.1:1", "--steps", "1");
    [Fact] public Task Cluster_address_that_is_not_host_port_is_refused() => AssertFails("'nowhere' is not host:port", "list", "--cluster", "nowhere");
    [Fact] public Task Status_of_an_unknown_job_is_refused_naming_it() => AssertFails("No training job 'no-such-job' exists", "status", "no-such-job");
    [Fact] public Task Watch_of_an_unknown_job_is_refused_naming_it() => AssertFails("No training job 'no-such-job' exists", "watch", "no-such-job");
    [Fact] public Task Result_of_an_unknown_job_is_refused_naming_it() => AssertFails("no-such-job", "result", "no-such-job");
    [Fact] public Task Cancel_of_an_unknown_job_is_refused_naming_it() => AssertFails("no-such-job", "cancel", "no-such-job");

    [Fact]
    public async Task Client_with_another_TLS_certificate_is_refused_naming_both_certificates_before_its_connect_timeout()
    {
        using var certificates = new TestCertificates();
        var cluster = certificates.Make("np-cluster", "s3cret");
        var stranger = certificates.Make("stranger", "other");
        var ports = Ports.Free(3);
        await using var silo = NeuralProgrammer.Silo.SiloHost.Build(
        [
            $"--Silo:SiloPort={ports[0]}", $"--Silo:GatewayPort={ports[1]}", $"--Urls=http://127.0.0.1:{ports[2]}",
            "--Logging:LogLevel:Default=Warning", "--Tls:Enabled=true", $"--Tls:CertificatePath={cluster}", "--Tls:CertificatePassword=s3cret",
        ]);
        await silo.StartAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await Np.RunWith(new Dictionary<string, string>
        {
            ["NP_Tls__Enabled"] = "true",
            ["NP_Tls__CertificatePath"] = stranger,
            ["NP_Tls__CertificatePassword"] = "other",
        }, "list", "--cluster", $"127.0.0.1:{ports[1]}");
        await silo.StopAsync();

        Assert.True(outcome.ExitCode == 1, $"exit {outcome.ExitCode}: {outcome.Error}{outcome.Output}");
        var error = outcome.Error.Split('\n').First(l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith($"error: Cannot connect to the cluster at '127.0.0.1:{ports[1]}': TLS handshake refused", error);
        Assert.Contains(TestCertificates.Thumbprint(cluster, "s3cret"), error);
        Assert.Contains(TestCertificates.Thumbprint(stranger, "other"), error);
        Assert.Contains("Tls:AllowedThumbprints", error);
        Assert.DoesNotContain("   at ", outcome.Error);
        // np gives up on a silent gateway after 20 s: a refused certificate is named at once.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"np took {clock.Elapsed.TotalSeconds:F0} s");
    }

    // Sweep specs (the planner's cases on well-formed specs: NeuralProgrammer.Sweep.Tests, PlannerTests).

    static async Task<Np.Outcome> AssertSweepFails(string expected, string spec)
    {
        var folder = TemporaryFolder();
        try
        {
            var file = Path.Combine(folder, "sweep.json");
            await File.WriteAllTextAsync(file, spec);
            return await AssertFails(expected, "sweep", "--spec", file, "--out", Path.Combine(folder, "out"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact] public Task Truncated_sweep_spec_is_refused_naming_the_file() => AssertSweepFails("sweep.json: ", """{ "Space": [ { "Name": "Seed", """);
    [Fact] public Task Empty_sweep_spec_file_is_refused_naming_the_file() => AssertSweepFails("sweep.json: ", "");
    [Fact] public Task Sweep_spec_with_an_unknown_preset_is_refused() => AssertSweepFails("'huge'", """{ "Base": { "Preset": "huge" }, "Space": [ { "Name": "Seed", "Values": [1, 2] } ] }""");
    [Fact] public Task Sweep_spec_with_a_NaN_value_is_refused_naming_its_place() => AssertSweepFails("Space[0] (HyperParameters.LearningRate).Values[0] = 'NaN': must be a finite number",
        """{ "Space": [ { "Name": "HyperParameters.LearningRate", "Values": ["NaN", 0.01] } ] }""");
    [Fact] public Task Missing_sweep_spec_file_is_refused_naming_it() => AssertFails("no-such-sweep.json", "sweep", "--spec", "/nonexistent/no-such-sweep.json");

    // Model files.

    [Fact] public Task Missing_checkpoint_is_refused_naming_the_path() => AssertFails("No checkpoint at '/nonexistent/model.ckpt'", "eval", "--model", "/nonexistent/model.ckpt");
    [Fact] public Task Resuming_a_missing_checkpoint_is_refused() => AssertFails("No checkpoint at", "train", "--resume", "/nonexistent/run.ckpt");

    [Fact]
    public async Task A_file_that_is_not_a_checkpoint_is_refused_naming_it()
    {
        var folder = TemporaryFolder();
        try
        {
            var path = Path.Combine(folder, "notes.txt");
            await File.WriteAllTextAsync(path, "not a checkpoint");
            await AssertFails($"'{path}' is not a Neural Programmer checkpoint", "ask", "--model", path, "--table", path, "sum A");
            var empty = Path.Combine(folder, "empty.ckpt");
            await File.WriteAllBytesAsync(empty, []);
            await AssertFails($"'{empty}' is not a Neural Programmer checkpoint", "eval", "--model", empty);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_exported_safetensors_file_given_as_a_model_is_refused_naming_it()
    {
        var folder = TemporaryFolder();
        try
        {
            var exported = Path.Combine(folder, "model.safetensors");
            var export = await Np.Run("export", "--model", await TrainedModel.Path(), "--out", exported);
            Assert.True(export.ExitCode == 0, export.Error);
            await AssertFails($"'{exported}' is not a Neural Programmer checkpoint", "eval", "--model", exported);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A damaged copy of the trained checkpoint; <paramref name="damage"/> gets its bytes and the length of its JSON header (after the 8-byte magic and 4-byte length).</summary>
    static async Task<Np.Outcome> AssertDamagedFails(string expected, Func<byte[], int, byte[]> damage, string command = "eval")
    {
        var folder = TemporaryFolder();
        try
        {
            var bytes = await File.ReadAllBytesAsync(await TrainedModel.Path());
            var path = Path.Combine(folder, "damaged.ckpt");
            await File.WriteAllBytesAsync(path, damage(bytes, BitConverter.ToInt32(bytes, 8)));
            var outcome = command == "eval"
                ? await AssertFails(expected, "eval", "--model", path, "--test-size", "10")
                : await AssertFails(expected, "train", "--resume", path, "--out", Path.Combine(folder, "run"));
            Assert.Contains($"Checkpoint '{path}'", outcome.Error);
            return outcome;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    const int HeaderStart = 12;

    [Fact] public Task Checkpoint_truncated_in_its_header_is_refused_naming_the_file() =>
        AssertDamagedFails("is truncated or corrupted: its header claims", (b, n) => b[..(HeaderStart + n / 2)]);

    [Fact] public Task Checkpoint_truncated_in_its_safetensors_block_is_refused_naming_the_file() =>
        AssertDamagedFails("is truncated or corrupted: its safetensors block cannot be read", (b, _) => b[..(b.Length - 1000)]);

    [Fact] public Task Checkpoint_with_a_corrupted_header_length_is_refused_naming_the_file() =>
        AssertDamagedFails("is truncated or corrupted: its header claims -1 bytes", (b, _) => [.. b[..8], 0xff, 0xff, 0xff, 0xff, .. b[HeaderStart..]]);

    [Fact] public Task Checkpoint_with_a_corrupted_header_is_refused_naming_the_file() =>
        AssertDamagedFails("is truncated or corrupted: its header is not valid JSON", (b, n) => [.. b[..HeaderStart], .. Enumerable.Repeat((byte)'x', n), .. b[(HeaderStart + n)..]]);

    [Fact] public Task Checkpoint_with_a_corrupted_safetensors_header_is_refused_naming_the_file() =>
        AssertDamagedFails("is truncated or corrupted: its safetensors block cannot be read", (b, n) =>
        {
            var corrupted = b.ToArray();
            corrupted[HeaderStart + n + 8] = (byte)'['; // the safetensors JSON header's opening brace
            return corrupted;
        });

    [Fact] public Task Checkpoint_whose_tensors_do_not_fit_its_header_is_refused_naming_the_file() =>
        AssertDamagedFails("its tensor 'weights' holds", (b, n) => WithHeader(b, n, header => header["Parameters"]![0]!["Shape"]![1] = 99));

    [Fact] public Task Checkpoint_of_a_model_of_another_shape_is_refused_naming_the_file() =>
        AssertDamagedFails("was written by a model of another shape", (b, n) => WithHeader(b, n, header => header["Spec"]!["HyperParameters"]!["Dimension"] = 32));

    [Fact] public Task Resuming_a_corrupted_checkpoint_is_refused_before_any_training() =>
        AssertDamagedFails("is truncated or corrupted", (b, _) => b[..(b.Length - 1000)], command: "resume");

    static byte[] WithHeader(byte[] checkpoint, int length, Action<JsonNode> change)
    {
        var header = JsonNode.Parse(checkpoint.AsSpan(HeaderStart, length))!;
        change(header);
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        return [.. checkpoint[..8], .. BitConverter.GetBytes(json.Length), .. json, .. checkpoint[(HeaderStart + length)..]];
    }

    // Where results go.

    [Fact]
    public async Task Results_folder_under_a_file_is_refused_before_training()
    {
        var folder = TemporaryFolder();
        try
        {
            var file = Path.Combine(folder, "a-file");
            await File.WriteAllTextAsync(file, "");
            var outcome = await AssertFails($"Cannot write into the folder {file}/run", ["train", "--local", .. Tiny, "--out", Path.Combine(file, "run")]);
            Assert.DoesNotContain("accuracy", outcome.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TmpfsFact]
    public async Task Unwritable_results_folder_is_refused_before_training_or_sweeping()
    {
        using var readOnly = Tmpfs.Mount("ro,size=64k");
        var outcome = await AssertFails($"Cannot write into the folder {readOnly.Path}/run: Read-only file system",
            ["train", "--local", .. Tiny, "--out", Path.Combine(readOnly.Path, "run")]);
        Assert.DoesNotContain("accuracy", outcome.Output);
        await AssertFails($"Cannot write into the folder {readOnly.Path}: Read-only file system",
            ["train", "--local", .. Tiny, "--checkpoint", Path.Combine(readOnly.Path, "m.ckpt"), "--out", Path.Combine(TemporaryFolder(), "run")]);
        await AssertFails($"Cannot write into the folder {readOnly.Path}/sweep: Read-only file system", "sweep", "--paper", "--out", Path.Combine(readOnly.Path, "sweep"));
    }

    [TmpfsFact]
    public async Task Export_into_an_unwritable_folder_is_refused_and_writes_nothing()
    {
        using var readOnly = Tmpfs.Mount("ro,size=64k");
        await AssertFails($"Cannot write {readOnly.Path}/model.safetensors: Read-only file system",
            "export", "--model", await TrainedModel.Path(), "--out", Path.Combine(readOnly.Path, "model.safetensors"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(readOnly.Path));
    }

    /// <summary>
    /// A 64 KiB disk holds one checkpoint of the tiny model (40 KB) but not a second beside it: the second save fails
    /// with a named error, the first stays whole and loads, and no temporary file is left.
    /// </summary>
    [TmpfsFact]
    public async Task Disk_that_fills_while_checkpointing_is_a_named_error_and_keeps_the_last_checkpoint()
    {
        using var disk = Tmpfs.Mount("size=64k");
        var checkpoint = Path.Combine(disk.Path, "m.ckpt");
        await AssertFails($"Cannot write {checkpoint}: No space left on device",
            ["train", .. Tiny, "--checkpoint", checkpoint, "--out", Path.Combine(TemporaryFolder(), "run")]);
        Assert.Equal(["m.ckpt"], Directory.EnumerateFileSystemEntries(disk.Path).Select(Path.GetFileName));
        var eval = await Np.Run("eval", "--model", checkpoint, "--test-size", "10");
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.Matches(@"Test accuracy after 2\s+updates", eval.Output);
    }

    // CSV tables (their catalogue is the ask command's: TableCsvTests; not counted here).

    [Fact]
    public async Task Ragged_CSV_table_is_refused_naming_the_line()
    {
        var csv = Path.GetTempFileName();
        await File.WriteAllTextAsync(csv, "A\n1\n2,3\n");
        try
        {
            await AssertFails("Line 3", "ask", "--model", await TrainedModel.Path(), "--table", csv, "sum A");
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
