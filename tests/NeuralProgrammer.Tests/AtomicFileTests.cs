using NeuralProgrammer.Model;

namespace NeuralProgrammer.Tests;

/// <summary>A write that fails half way leaves the previous file whole and no temporary file; one that succeeds replaces it.</summary>
public sealed class AtomicFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("np-atomic-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_write_that_fails_half_way_leaves_the_previous_file_and_no_temporary()
    {
        var path = Path.Combine(folder, "results.json");
        AtomicFile.WriteAllText(path, "previous");
        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the"u8);
            throw new InvalidOperationException("the writer failed");
        }));
        Assert.Equal("the writer failed", error.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["results.json"], Directory.EnumerateFiles(folder).Select(Path.GetFileName));

        AtomicFile.WriteAllText(path, "next");
        Assert.Equal("next", File.ReadAllText(path));
        Assert.Equal(["results.json"], Directory.EnumerateFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_folder_that_cannot_be_made_is_an_IO_error_naming_the_target()
    {
        var file = Path.Combine(folder, "a-file");
        File.WriteAllText(file, "");
        var target = Path.Combine(file, "results.json");
        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(target, "x"));
        Assert.StartsWith($"Cannot write {target}: ", error.Message);
        Assert.DoesNotContain(".partial", error.Message);
        Assert.StartsWith($"Cannot write into the folder {file}: ", Assert.Throws<IOException>(() => AtomicFile.CheckWritable(file)).Message);
    }

    [Fact]
    public void A_writer_that_takes_a_path_keeps_the_extension_it_chooses_the_format_by()
    {
        var path = Path.Combine(folder, "curve.png");
        string? given = null;
        AtomicFile.WriteVia(path, temporary => File.WriteAllText(given = temporary, "png"));
        Assert.EndsWith(".png", given);
        Assert.NotEqual(path, given);
        Assert.Equal("png", File.ReadAllText(path));
    }
}
