using OpenTelemetry.Metrics;

var builder = WebApplication.CreateBuilder(args);

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.AddMemoryGrainStorageAsDefault();
});

builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter("NeuralProgrammer", "Microsoft.Orleans")
    .AddPrometheusExporter());

var app = builder.Build();
app.MapPrometheusScrapingEndpoint();
app.MapGet("/healthz", () => Results.Text("ok"));
app.Run();
