namespace NeuralProgrammer.Grains;

/// <summary>
/// A grain's resume reminder, registered and unregistered on a best-effort basis: a silo without a reminder service
/// (or a failing one) only loses the reminder, and <c>log</c> is told why.
/// </summary>
static class GrainReminders
{
    /// <summary>Registers (or updates) reminder <paramref name="name"/>, first due after one <paramref name="period"/>.</summary>
    public static async Task TryRegisterReminderAsync(this Grain grain, string name, TimeSpan period, Action<Exception> log)
    {
        try { await grain.RegisterOrUpdateReminder(name, period, period); }
        catch (Exception exception) { log(exception); }
    }

    /// <summary>Unregisters reminder <paramref name="name"/> if it exists.</summary>
    public static async Task TryUnregisterReminderAsync(this Grain grain, string name, Action<Exception> log)
    {
        try
        {
            if (await grain.GetReminder(name) is { } reminder) await grain.UnregisterReminder(reminder);
        }
        catch (Exception exception) { log(exception); }
    }
}
