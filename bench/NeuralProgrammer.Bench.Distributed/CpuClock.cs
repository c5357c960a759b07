/// <summary>
/// CPU time per step between the first poll past the warm-up and the first poll that saw the last update, from a
/// clock of process CPU time (this process, or the silo processes). Polls that see no new update are passed over, so
/// that the evaluation after the last step is not counted.
/// </summary>
sealed class CpuClock(int warmup, Func<TimeSpan> cpu)
{
    (long Update, TimeSpan Cpu)? first, last;

    public void Mark(long update)
    {
        if (update < warmup || last?.Update == update) return;
        var now = (update, cpu());
        first ??= now;
        last = now;
    }

    public double MillisecondsPerStep => first is { } a && last is { } b && b.Update > a.Update
        ? (b.Cpu - a.Cpu).TotalMilliseconds / (b.Update - a.Update) : double.NaN;
}
