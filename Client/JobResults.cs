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
        result.Curve.Select(ToCurvePoint).ToList(), $"cluster job {result.JobId} ({result.Workers} workers)", TorchSharp.torch.get_num_threads());

    public static CurvePoint ToCurvePoint(EvaluationPoint point) =>
        new(point.Update, point.Loss, point.Accuracy, Categories(point.CategoryAccuracy), point.Seconds);

    static Dictionary<TemplateCategory, double> Categories(IReadOnlyDictionary<string, double> accuracy) =>
        accuracy.Where(p => Enum.TryParse<TemplateCategory>(p.Key, true, out _))
            .ToDictionary(p => Enum.Parse<TemplateCategory>(p.Key, true), p => p.Value);
}
