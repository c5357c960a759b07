namespace NeuralProgrammer.EndToEnd.Tests;

/// <summary>A fact run only on demand (<c>NP_FAULTS=1</c>, as scripts/faults.sh sets it): too long for CI, which reports it skipped.</summary>
public sealed class OnDemandFactAttribute : FactAttribute
{
    public OnDemandFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NP_FAULTS") != "1") Skip = "on demand only: scripts/faults.sh";
    }
}
