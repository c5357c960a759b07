using NeuralProgrammer.Silo;

if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);

WebApplication app;
try
{
    app = SiloHost.Build(args);
}
catch (SiloConfigurationException e)
{
    Console.Error.WriteLine($"configuration error: {e.Message}");
    return 2;
}

await app.RunAsync();
return 0;
