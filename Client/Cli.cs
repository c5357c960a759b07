using NeuralProgrammer.Grains;

namespace NeuralProgrammer.Client;

/// <summary>Turns an action into an exit code: 0 on success, 1 with a one-line reason on any error the user can fix.</summary>
public static class Cli
{
    public static Task<int> Run(Action action) => RunAsync(() =>
    {
        action();
        return Task.CompletedTask;
    });

    public static async Task<int> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled");
            return 130;
        }
    }

    static bool IsUserError(Exception e) => e is ArgumentException or FormatException or IOException or InvalidOperationException
        or InvalidDataException or UnauthorizedAccessException or JobSpecException or JobNotFoundException or JobStateException
        or WorkerFailedException or TimeoutException or SweepSpecException or SweepNotFoundException or SweepStateException;
}
