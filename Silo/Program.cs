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

// Before the run, which disposes the services.
var guard = app.Services.GetService<TlsJoinGuard>();
try
{
    await app.RunAsync();
}
catch (Exception) when (guard?.JoinRefusal is not null)
{
    // The start ended with Orleans' cancellation (the refusal below is why). Orleans does not stop a silo that has not
    // started, so its entry stays "joining" in the membership table until the members evict it.
}
if (guard?.JoinRefusal is { } refusal)
{
    Console.Error.WriteLine($"error: this silo did not join the cluster: {refusal.Message}");
    return 1;
}
return 0;
