using System.CommandLine;

namespace NeuralProgrammer.Client;

/// <summary>The <c>np</c> console's commands.</summary>
public static class NpCommand
{
    public static RootCommand Create() => new("np: train Neural Programmer models and ask them questions about tables")
    {
        TrainCommand.Create(),
        JobCommands.Status(),
        JobCommands.Watch(),
        JobCommands.List(),
        JobCommands.Cancel(),
        JobCommands.Result(),
        SweepCommand.Create(),
        AskCommand.Create(),
        ModelCommands.Eval(),
        ModelCommands.Export(),
        ResultsCommand.Create(),
    };
}
