using System.Net;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>HTTP to the processes the tests start.</summary>
public static class Http
{
    public static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Polls <paramref name="url"/> until it answers 200 or time is up; returns the last status (0 if none) and body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> WaitForOkAsync(string url, TimeSpan timeout, Func<bool>? giveUp = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        (HttpStatusCode, string) last = (0, "no answer");
        while (DateTime.UtcNow < deadline && giveUp?.Invoke() != true)
        {
            try
            {
                using var response = await Client.GetAsync(url);
                last = (response.StatusCode, await response.Content.ReadAsStringAsync());
                if (response.StatusCode == HttpStatusCode.OK) return last;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = (0, e.Message);
            }
            await Task.Delay(250);
        }
        return last;
    }
}
