using Spectre.Console;

namespace NeuralProgrammer.Client;

/// <summary>Turns an action into an exit code: 0 on success, 1 with a one-line reason on any error the user can fix.</summary>
public static class Cli
{
    public static Task<int> Run(Action action)
    {
        try
        {
            action();
            return Task.FromResult(0);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Task.FromResult(1);
        }
    }
}
