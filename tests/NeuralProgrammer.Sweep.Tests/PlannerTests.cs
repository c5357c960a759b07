using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;

namespace NeuralProgrammer.Sweep.Tests;

/// <summary>Planning a sweep: grid order, random draws, seeds, and every kind of bad input rejected with a message that names it.</summary>
public sealed class PlannerTests
{
    static readonly JobSpec Base = TestSweeps.Job("""{"Preset": "demo", "Steps": 300, "EvaluateEvery": 50}""");

    static SweepParameter Values(string name, params string[] values) => new() { Name = name, Values = values };

    static string Problems(SweepSpec spec)
    {
        var problems = SweepPlanner.Validate(spec);
        Assert.NotEmpty(problems);
        var e = Assert.Throws<SweepSpecException>(() => SweepPlanner.Plan(spec));
        Assert.Equal(problems, e.Problems);
        return string.Join("\n", problems);
    }

    [Fact]
    public void TheGridRunsEveryCombinationFirstParameterSlowestSeedsFastest()
    {
        var plan = SweepPlanner.Plan(new SweepSpec
        {
            Base = Base,
            Space = [Values("HyperParameters.ClipNorm", "1", "5"), Values("hyperparameters.noiseper", "step", "epoch")],
            Seeds = [7, 8],
        });
        Assert.Equal(SweepPlanner.Grid, plan.Strategy);
        Assert.Equal(8, plan.Trials.Count);
        Assert.Equal(Enumerable.Range(1, 8), plan.Trials.Select(t => t.Number));
        Assert.Equal(["ClipNorm = 1, NoisePer = step, Seed = 7", "ClipNorm = 1, NoisePer = step, Seed = 8", "ClipNorm = 1, NoisePer = epoch, Seed = 7"],
            plan.Trials.Take(3).Select(t => SweepPlanner.Describe(t.Parameters)));
        var last = plan.Trials[^1].Spec;
        Assert.Equal("5", last["HyperParameters.ClipNorm"]);
        Assert.Equal("epoch", last["HyperParameters.NoisePer"]);
        Assert.Equal("8", last["Seed"]);
        Assert.Equal("demo", last.Preset);
        Assert.All(plan.Trials, t => Assert.Equal((300, 50), (t.Steps, t.EvaluateEvery)));
        Assert.Equal(2, plan.Concurrency); // the default
        Assert.Equal(SweepObjective.Default, plan.Objective);
        Assert.Equal(EarlyStoppingRule.None, plan.EarlyStopping.Rule);
    }

    [Fact]
    public void TheNamesAreTheJobSpecsFieldsIncludingCategoricalAndTopLevelOnes()
    {
        foreach (var name in new[] { "Seed", "Variant", "Steps", "EvaluateEvery", "HyperParameters.ClipNorm", "HyperParameters.NoisePer", "HyperParameters.Comparison",
                     "HyperParameters.Dimension", "HyperParameters.BidirectionalQuestion", "HyperParameters.SelectorTemperature", "HyperParameters.LearningRate" })
            Assert.Contains(name, SweepParameters.Names);
        var spec = SweepParameters.Apply(Base, [new SweepAssignment("HyperParameters.Comparison", "paper"), new SweepAssignment("HyperParameters.BidirectionalQuestion", "true"),
            new SweepAssignment("Variant", "3-columns"), new SweepAssignment("HyperParameters.Dimension", "32")]);
        var h = TestSweeps.Resolved(spec).HyperParameters;
        Assert.Equal((ComparisonMode.Paper, true, DatasetVariant.Columns3, 32), (h.Comparison, h.BidirectionalQuestion, TestSweeps.Resolved(spec).Variant, h.Dimension));
        Assert.Null(Base["HyperParameters.Comparison"]); // the base spec is not touched
    }

    [Fact]
    public void RandomSearchDrawsFromRangesAndChoicesOnTheirScaleReproducibly()
    {
        var spec = new SweepSpec
        {
            Base = Base,
            Space =
            [
                new() { Name = "HyperParameters.LearningRate", Min = 1e-5, Max = 1e-1, Scale = "log" },
                new() { Name = "HyperParameters.HuberDelta", Min = 10, Max = 50 },
                new() { Name = "HyperParameters.Dimension", Min = 8, Max = 64, Scale = "log" },
                Values("HyperParameters.Comparison", "expected", "paper"),
            ],
            Budget = 400,
            RandomSeed = 3,
        };
        var plan = SweepPlanner.Plan(spec);
        Assert.Equal(SweepPlanner.Random, plan.Strategy); // inferred from the ranges
        Assert.Equal(400, plan.Trials.Count);
        var rates = plan.Trials.Select(t => TestSweeps.Resolved(t.Spec).HyperParameters.LearningRate).ToList();
        Assert.All(rates, r => Assert.InRange(r, 1e-5, 1e-1));
        // Log scale: about a quarter of the draws in each decade.
        Assert.InRange(rates.Count(r => r < 1e-4), 60, 140);
        Assert.InRange(rates.Count(r => r > 1e-2), 60, 140);
        var deltas = plan.Trials.Select(t => TestSweeps.Resolved(t.Spec).HyperParameters.HuberDelta).ToList();
        Assert.All(deltas, d => Assert.InRange(d, 10, 50));
        Assert.InRange(deltas.Count(d => d > 30), 150, 250); // linear: half above the middle
        Assert.All(plan.Trials, t => Assert.InRange(TestSweeps.Resolved(t.Spec).HyperParameters.Dimension, 8, 64));
        Assert.Equal(new[] { "expected", "paper" }, plan.Trials.Select(t => TestSweeps.Resolved(t.Spec).HyperParameters.Comparison.ToString().ToLowerInvariant()).Distinct().Order());
        // The same seed draws the same trials; another draws others.
        Assert.Equal(plan.Trials.Select(t => SweepPlanner.Describe(t.Parameters)), SweepPlanner.Plan(spec).Trials.Select(t => SweepPlanner.Describe(t.Parameters)));
        Assert.NotEqual(plan.Trials.Select(t => SweepPlanner.Describe(t.Parameters)),
            SweepPlanner.Plan(spec with { RandomSeed = 4 }).Trials.Select(t => SweepPlanner.Describe(t.Parameters)));
    }

    [Fact]
    public void RandomSearchWithSeedsRunsEachDrawOncePerSeed()
    {
        var plan = SweepPlanner.Plan(new SweepSpec
        {
            Base = Base, Space = [new() { Name = "HyperParameters.LearningRate", Min = 1e-4, Max = 1e-2, Scale = "log" }], Seeds = [1, 2, 3], Budget = 6,
        });
        Assert.Equal(6, plan.Trials.Count);
        Assert.Equal([1, 2, 3, 1, 2, 3], plan.Trials.Select(t => TestSweeps.Resolved(t.Spec).Seed));
        Assert.Equal(plan.Trials[0].Spec["HyperParameters.LearningRate"], plan.Trials[2].Spec["HyperParameters.LearningRate"]);
        Assert.NotEqual(plan.Trials[0].Spec["HyperParameters.LearningRate"], plan.Trials[3].Spec["HyperParameters.LearningRate"]);
    }

    [Fact]
    public void ThePapersSweepIs72ConfigurationsTimes3Seeds()
    {
        var plan = SweepPlanner.Plan(PaperSweep.Create(steps: 200, concurrency: 2, earlyStopping: "median"));
        Assert.Equal(216, plan.Trials.Count);
        Assert.Equal(72, plan.Trials.Select(t => SweepPlanner.Describe(t.Parameters.Where(p => p.Name != "Seed"))).Distinct().Count());
        Assert.All(plan.Trials, t => Assert.Equal((200, 40), (t.Steps, t.EvaluateEvery)));
        Assert.Equal("single-column", plan.Trials[0].Spec.Preset);
        Assert.Equal(new double[] { 1, 5, 50 }, plan.Trials.Select(t => TestSweeps.Resolved(t.Spec).HyperParameters.ClipNorm).Distinct());
        Assert.Equal(new[] { 1e-6, 1e-8 }, plan.Trials.Select(t => TestSweeps.Resolved(t.Spec).HyperParameters.Epsilon).Distinct());
        Assert.Equal(new double[] { 10, 25, 50 }, plan.Trials.Select(t => TestSweeps.Resolved(t.Spec).HyperParameters.HuberDelta).Distinct());
        Assert.Equal(new double[] { 25, 50, 75, 100 }, plan.Trials.Select(t => TestSweeps.Resolved(t.Spec).HyperParameters.LookupWeight).Distinct());
        Assert.Equal(EarlyStoppingRule.Median, plan.EarlyStopping.Rule);
        Assert.Equal(40, plan.EarlyStopping.MinSteps); // the first evaluation
    }

    [Fact]
    public void AnEmptySearchSpaceIsRejected()
    {
        Assert.Contains("Space: empty", Problems(new SweepSpec { Base = Base }));
        Assert.Contains("Space: empty", Problems(new SweepSpec { Base = Base, Space = [] }));
        Assert.Contains("Space[0] (HyperParameters.ClipNorm).Values: empty", Problems(new SweepSpec { Base = Base, Space = [Values("HyperParameters.ClipNorm")] }));
        Assert.Contains("Space[0] (HyperParameters.ClipNorm): no Values and no range", Problems(new SweepSpec { Base = Base, Space = [new() { Name = "HyperParameters.ClipNorm" }] }));
        Assert.Contains("Seeds: empty", Problems(new SweepSpec { Base = Base, Seeds = [] }));
    }

    [Fact]
    public void AContradictorySearchSpaceIsRejected()
    {
        Assert.Contains("Space[1] (HyperParameters.ClipNorm): HyperParameters.ClipNorm is already searched by Space[0]",
            Problems(new SweepSpec { Base = Base, Space = [Values("HyperParameters.ClipNorm", "1"), Values("hyperparameters.clipnorm", "5")] }));
        Assert.Contains("Space[0] (HyperParameters.ClipNorm): give Values or a range (Min, Max, Scale), not both",
            Problems(new SweepSpec { Base = Base, Space = [new() { Name = "HyperParameters.ClipNorm", Values = ["1"], Min = 1, Max = 5 }], Budget = 2 }));
        Assert.Contains("Space[0] (HyperParameters.ClipNorm): Min = 5 is above Max = 1",
            Problems(new SweepSpec { Base = Base, Space = [new() { Name = "HyperParameters.ClipNorm", Min = 5, Max = 1 }], Budget = 2 }));
        Assert.Contains("Space[0] (HyperParameters.ClipNorm): a range needs Strategy random",
            Problems(new SweepSpec { Base = Base, Strategy = "grid", Space = [new() { Name = "HyperParameters.ClipNorm", Min = 1, Max = 5 }] }));
        Assert.Contains("Seeds: Seed is also searched by Space[0]",
            Problems(new SweepSpec { Base = Base, Space = [Values("Seed", "1", "2")], Seeds = [1, 2] }));
        Assert.Contains("Space[0] (HyperParameters.ClipNorm).Values[1] = '1.0': listed twice",
            Problems(new SweepSpec { Base = Base, Space = [Values("HyperParameters.ClipNorm", "1", "1.0")] }));
        Assert.Contains("Space[0] (HyperParameters.NoisePer): a range needs a numeric field",
            Problems(new SweepSpec { Base = Base, Space = [new() { Name = "HyperParameters.NoisePer", Min = 0, Max = 1 }], Budget = 2 }));
        Assert.Contains("Space[0] (HyperParameters.Dimension): no integer between Min = 8.2 and Max = 8.7",
            Problems(new SweepSpec { Base = Base, Space = [new() { Name = "HyperParameters.Dimension", Min = 8.2, Max = 8.7 }], Budget = 2 }));
    }

    [Fact]
    public void BudgetAndConcurrencyAreChecked()
    {
        var space = new[] { Values("HyperParameters.ClipNorm", "1", "5", "50") };
        Assert.Contains("Budget = 0: must be positive", Problems(new SweepSpec { Base = Base, Space = space, Budget = 0 }));
        Assert.Contains("Budget = 0: must be positive", Problems(new SweepSpec { Base = Base, Space = [new() { Name = "HyperParameters.ClipNorm", Min = 1, Max = 5 }], Budget = 0 }));
        Assert.Contains("Budget: required for random search", Problems(new SweepSpec { Base = Base, Space = [new() { Name = "HyperParameters.ClipNorm", Min = 1, Max = 5 }] }));
        Assert.Contains("Budget = 2: smaller than the grid's 3 trials", Problems(new SweepSpec { Base = Base, Space = space, Budget = 2 }));
        Assert.Contains("Budget = 5: not a multiple of the 2 Seeds",
            Problems(new SweepSpec { Base = Base, Space = [new() { Name = "HyperParameters.ClipNorm", Min = 1, Max = 5 }], Seeds = [1, 2], Budget = 5 }));
        Assert.Contains("Concurrency = 4: above the budget of 3 trials", Problems(new SweepSpec { Base = Base, Space = space, Concurrency = 4 }));
        Assert.Contains("Concurrency = 3: above the budget of 2 trials",
            Problems(new SweepSpec { Base = Base, Space = [new() { Name = "HyperParameters.ClipNorm", Min = 1, Max = 5 }], Budget = 2, Concurrency = 3 }));
        Assert.Contains("Concurrency = 0: must be positive", Problems(new SweepSpec { Base = Base, Space = space, Concurrency = 0 }));
        // A budget above the grid is a ceiling; the default concurrency never exceeds the trials.
        Assert.Equal(3, SweepPlanner.Plan(new SweepSpec { Base = Base, Space = space, Budget = 10 }).Trials.Count);
        Assert.Equal(1, SweepPlanner.Plan(new SweepSpec { Base = Base, Space = [Values("HyperParameters.ClipNorm", "1")] }).Concurrency);
    }

    [Fact]
    public void AnUnknownHyperparameterIsNamed()
    {
        var problems = Problems(new SweepSpec { Base = Base, Space = [Values("HyperParameters.Momentum", "0.9")] });
        Assert.Contains("Space[0].Name = 'HyperParameters.Momentum': unknown hyperparameter; searchable names: Seed", problems);
        Assert.Contains("HyperParameters.NoisePer", problems);
        Assert.Contains("Space[0].Name = 'ClipNorm': unknown hyperparameter; did you mean HyperParameters.ClipNorm?",
            Problems(new SweepSpec { Base = Base, Space = [Values("ClipNorm", "1")] }));
        Assert.Contains("Space[0].Name: missing", Problems(new SweepSpec { Base = Base, Space = [new() { Values = ["1"] }] }));
        Assert.Contains("Space[0].Name = 'Categories': unknown hyperparameter", Problems(new SweepSpec { Base = Base, Space = [Values("Categories", "logic")] }));
    }

    [Fact]
    public void NaNRangesAndLogRangesWithNonPositiveBoundsAreRejected()
    {
        SweepSpec Range(double min, double max, string? scale = null) =>
            new() { Base = Base, Space = [new() { Name = "HyperParameters.LearningRate", Min = min, Max = max, Scale = scale }], Budget = 4 };
        Assert.Contains("Space[0] (HyperParameters.LearningRate).Min = NaN: must be a finite number", Problems(Range(double.NaN, 1)));
        Assert.Contains("Space[0] (HyperParameters.LearningRate).Max = Infinity: must be a finite number", Problems(Range(0.1, double.PositiveInfinity)));
        Assert.Contains("Space[0] (HyperParameters.LearningRate).Min = 0: a log range needs positive bounds", Problems(Range(0, 0.1, "log")));
        Assert.Contains("Space[0] (HyperParameters.LearningRate).Min = -1: a log range needs positive bounds", Problems(Range(-1, 0.1, "log")));
        Assert.Contains("Space[0] (HyperParameters.LearningRate).Scale = 'exp': expected linear or log", Problems(Range(0.1, 1, "exp")));
        Assert.Contains("Space[0] (HyperParameters.LearningRate).Values[0] = 'NaN': must be a finite number",
            Problems(new SweepSpec { Base = Base, Space = [Values("HyperParameters.LearningRate", "NaN")] }));
        Assert.Contains("Space[0] (HyperParameters.ClipNorm).Values[1] = 'five': not a number",
            Problems(new SweepSpec { Base = Base, Space = [Values("HyperParameters.ClipNorm", "1", "five")] }));
    }

    [Fact]
    public void ValuesTheJobSpecRefusesAreNamedWithTheirPlaceInTheSpace()
    {
        Assert.Contains("Space[0].Values[1]: HyperParameters.NoisePer = 'hour': must be step or epoch",
            Problems(new SweepSpec { Base = Base, Space = [Values("HyperParameters.NoisePer", "step", "hour")] }));
        Assert.Contains("Space[0].Values[0]: HyperParameters.LearningRate = 20: must be in (0, 10]",
            Problems(new SweepSpec { Base = Base, Space = [Values("HyperParameters.LearningRate", "20")] }));
        Assert.Contains("Base.HyperParameters.ClipNorm = -1: must not be negative",
            Problems(new SweepSpec { Base = Base.With("HyperParameters.ClipNorm", "-1"), Space = [Values("HyperParameters.Epsilon", "1e-6")] }));
        // Values that only fail in combination are named with their trial.
        var combined = Problems(new SweepSpec { Base = Base.With("Steps", null), Space = [Values("Steps", "10", "20"), Values("Epochs", "1")] });
        Assert.Contains("Trial 1 (Steps = 10, Epochs = 1): Steps = 10, Epochs = 1: give the length in steps or in epochs, not both", combined);
        Assert.Contains("Trial 2 (Steps = 20, Epochs = 1): Steps = 20, Epochs = 1", combined);
    }

    [Fact]
    public void ObjectiveStrategyAndEarlyStoppingSettingsAreChecked()
    {
        var space = new[] { Values("HyperParameters.ClipNorm", "1", "5") };
        Assert.Contains("Objective = 'speed': unknown; expected accuracy, final-accuracy, loss", Problems(new SweepSpec { Base = Base, Space = space, Objective = "speed" }));
        Assert.Contains("Strategy = 'bayes': expected grid or random", Problems(new SweepSpec { Base = Base, Space = space, Strategy = "bayes" }));
        Assert.Contains("EarlyStopping.Rule = 'hyperband': expected none, median or asha",
            Problems(new SweepSpec { Base = Base, Space = space, EarlyStopping = new() { Rule = "hyperband" } }));
        Assert.Contains("EarlyStopping.ReductionFactor = 1: must be at least 2",
            Problems(new SweepSpec { Base = Base, Space = space, EarlyStopping = new() { Rule = "asha", ReductionFactor = 1 } }));
        Assert.Contains("EarlyStopping.MinSteps = 300: not below the trials' Steps = 300",
            Problems(new SweepSpec { Base = Base, Space = space, EarlyStopping = new() { Rule = "median", MinSteps = 300 } }));
        Assert.Contains("the trials evaluate only at their end (EvaluateEvery = 300, Steps = 300)",
            Problems(new SweepSpec { Base = Base.With("EvaluateEvery", "300"), Space = space, EarlyStopping = new() { Rule = "asha" } }));
        var plan = SweepPlanner.Plan(new SweepSpec { Base = Base, Space = space, Objective = "LOSS", EarlyStopping = new() { Rule = "ASHA" } });
        Assert.Equal((SweepObjective.Loss, false), (plan.Objective.Name, plan.Objective.Maximize));
        Assert.Equal(new EarlyStoppingPlan(EarlyStoppingRule.Asha, 50, 3, 3), plan.EarlyStopping);
    }
}
