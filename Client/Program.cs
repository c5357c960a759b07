using NeuralProgrammer.Client;

var parse = NpCommand.Create().Parse(args);
if (parse.Errors.Count > 0)
{
    // One line per problem, as for every other error, rather than the whole help text.
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    var command = parse.CommandResult.Command is System.CommandLine.RootCommand ? "np" : $"np {parse.CommandResult.Command.Name}";
    Console.Error.WriteLine($"Run '{command} --help' for usage.");
    return 2;
}
return await parse.InvokeAsync();
