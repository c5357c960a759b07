namespace NeuralProgrammer.Tests.Shared;

/// <summary>The programs run as child processes: the silo and np from this assembly's output (copied there by its project references).</summary>
static class Programs
{
    public static string SiloDll => Existing("NeuralProgrammer.Silo.dll");
    public static string NpDll => Existing("np.dll");

    static string Existing(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, file);
        return File.Exists(path) ? path
            : throw new FileNotFoundException($"{file} is not in {AppContext.BaseDirectory}; the project references should have copied it", path);
    }
}
