using NeuralProgrammer.Grains;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client;

/// <summary>A cluster job's result in the model's terms, so that it prints and plots like a local run.</summary>
public static class JobResults
{
    public static TrainingResult ToTrainingResult(JobResult result) => new(
        JobSpecs.ToTrainingSpec(result.Spec), result.Updates, result.ExamplesSeen, result.WallSeconds, result.Accuracy,
        Categories(result.CategoryAccuracy),
        result.Programs.Select(p => new ProgramSample(p.Question, p.Template, p.Program, p.Answer, p.Truth, p.Correct)).ToList(),
        result.Curve.Select(ToCurvePoint).ToList(), $"cluster job {result.JobId} ({result.Workers} workers)", TorchSharp.torch.get_num_threads())
    {
        RealDataAccuracy = result.RealDataAccuracy,
        RealDataCategoryAccuracy = result.RealDataCategoryAccuracy is { } real ? Categories(real) : null,
    };

    /// <summary>Writes the job's last checkpoint as <c>model.ckpt</c> in <paramref name="directory"/>, for np ask/eval/export; null if it has none.</summary>
    public static async Task<string?> SaveModel(ITrainingJobGrain job, JobResult result, string directory)
    {
        if (await job.GetCheckpoint() is not { } model) return null;
        var path = Path.Combine(directory, "model.ckpt");
        using var weights = ParameterVector.FromBytes(model.Weights);
        using var first = ParameterVector.FromBytes(model.FirstMoment);
        using var second = ParameterVector.FromBytes(model.SecondMoment);
        Checkpoint.Save(path, JobSpecs.ToTrainingSpec(result.Spec), model.Update, TimeSpan.FromSeconds(result.WallSeconds), weights, first, second,
            result.Curve.Select(ToCurvePoint).ToList());
        return path;
    }

    public static CurvePoint ToCurvePoint(EvaluationPoint point) =>
        new(point.Update, point.Loss, point.Accuracy, Categories(point.CategoryAccuracy), point.Seconds) { ValidationAccuracy = point.ValidationAccuracy };

    static Dictionary<TemplateCategory, double> Categories(IReadOnlyDictionary<string, double> accuracy) =>
        accuracy.Where(p => Enum.TryParse<TemplateCategory>(p.Key, true, out _))
            .ToDictionary(p => Enum.Parse<TemplateCategory>(p.Key, true), p => p.Value);
}
