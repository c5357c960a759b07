using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Model.Training;

/// <summary>A test question with the program the model induced for it, as shown to users.</summary>
public sealed record ProgramSample(string Question, string Template, string Program, string Answer, string Truth, bool Correct)
{
    public static ProgramSample From(Prediction prediction) => new(
        prediction.Example.Question.Text, prediction.Example.Template, prediction.Program.ToString(),
        Describe(prediction.Answer), Describe(prediction.Example.Answer), prediction.Correct);

    public static string Describe(Answer? answer) => answer switch
    {
        ScalarAnswer s => s.Value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        LookupAnswer l => $"{l.Cells.Count(c => c)} cells printed",
        _ => "no answer",
    };
}

/// <summary>The outcome of a training run: final test accuracy overall and per category, programs, the curve, the cost.</summary>
public sealed record TrainingResult(
    TrainingSpec Spec,
    long Updates,
    long ExamplesSeen,
    double WallSeconds,
    double Accuracy,
    IReadOnlyDictionary<TemplateCategory, double> CategoryAccuracy,
    IReadOnlyList<ProgramSample> Programs,
    IReadOnlyList<CurvePoint> Curve,
    string Machine,
    int Threads)
{
    /// <summary>The commit the code was built from (empty when built outside git).</summary>
    public string Commit { get; init; } = BuildCommit;

    /// <summary>
    /// Accuracy on the real-data test set (<see cref="DataSets.RealDataTest"/>), overall and per category; null in
    /// results recorded before it was measured.
    /// </summary>
    public double? RealDataAccuracy { get; init; }
    public IReadOnlyDictionary<TemplateCategory, double>? RealDataCategoryAccuracy { get; init; }

    /// <summary>
    /// The evaluation whose weights did best on the validation set (the latest among equals): its test accuracy is the
    /// best checkpoint's, chosen without looking at the test set. Null when the run had no validation set.
    /// </summary>
    public CurvePoint? BestOnValidation => Curve.Where(p => p.ValidationAccuracy is not null)
        .OrderByDescending(p => p.ValidationAccuracy).ThenByDescending(p => p.Update).FirstOrDefault();

    public static string BuildCommit { get; } =
        typeof(TrainingResult).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion is { } version
        && version.IndexOf('+') is var plus and >= 0 ? version[(plus + 1)..] : "";

    /// <summary>
    /// Up to <paramref name="count"/> sample programs, one per template, taken in turn from each category so that
    /// every category (and its failures) shows.
    /// </summary>
    public static IReadOnlyList<ProgramSample> SamplePrograms(Evaluation evaluation, int count = 8)
    {
        var perCategory = evaluation.Predictions.GroupBy(p => p.Example.Category).OrderBy(g => g.Key)
            .Select(g => g.GroupBy(p => p.Example.Template).Select(t => t.First()).ToList()).ToList();
        var samples = new List<Prediction>();
        for (int round = 0; samples.Count < count && perCategory.Any(c => c.Count > round); round++)
            samples.AddRange(perCategory.Where(c => c.Count > round).Select(c => c[round]).Take(count - samples.Count));
        return samples.Select(ProgramSample.From).ToList();
    }

    public static TrainingResult From(TrainingSpec spec, long updates, double wallSeconds, Evaluation evaluation, IReadOnlyList<CurvePoint> curve,
        Evaluation? realData = null) =>
        new(spec, updates, updates * spec.HyperParameters.BatchSize, wallSeconds, evaluation.Accuracy,
            evaluation.AccuracyPerCategory,
            SamplePrograms(evaluation), curve, Environment.MachineName, TorchSharp.torch.get_num_threads())
        {
            RealDataAccuracy = realData?.Accuracy,
            RealDataCategoryAccuracy = realData?.AccuracyPerCategory,
        };
}
