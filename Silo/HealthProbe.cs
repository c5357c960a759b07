namespace NeuralProgrammer.Silo;

/// <summary>
/// <c>NeuralProgrammer.Silo --health-check [url]</c>: asks this machine's silo for <c>/healthz</c> and exits 0 if it
/// answers 200, 1 otherwise. The container HEALTHCHECK uses it, since the ASP.NET runtime image has no curl or wget.
/// Without a url it derives one from the same HTTP settings the silo uses (ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, urls).
/// </summary>
public static class HealthProbe
{
    public const string Flag = "--health-check";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Flag;

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Console.WriteLine($"{url}: {(int)response.StatusCode} {body}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{url}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The first configured HTTP address, with a wildcard host replaced by 127.0.0.1, plus <c>/healthz</c>.</summary>
    public static string DefaultUrl()
    {
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? Environment.GetEnvironmentVariable("NP_Urls");
        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS");
        string baseUrl;
        if (!string.IsNullOrWhiteSpace(urls))
        {
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
            baseUrl = first.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1")
                .Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1");
        }
        else if (!string.IsNullOrWhiteSpace(ports))
        {
            baseUrl = $"http://127.0.0.1:{ports.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]}";
        }
        else
        {
            baseUrl = SiloSettings.DefaultHttpUrl;
        }
        return baseUrl.TrimEnd('/') + SiloHost.HealthPath;
    }
}
