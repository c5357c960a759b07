using System.Globalization;
using NeuralProgrammer.Model.Settings;

namespace NeuralProgrammer.Grains.Sweeps;

public enum EarlyStoppingRule { None, Median, Asha }

/// <summary>The early-stopping settings with their defaults filled in.</summary>
public sealed record EarlyStoppingPlan(EarlyStoppingRule Rule, int MinSteps, int MinTrials, int ReductionFactor)
{
    public static EarlyStoppingPlan None { get; } = new(EarlyStoppingRule.None, 1, 3, 3);

    public string Name => Rule.ToString().ToLowerInvariant();
}

/// <summary>One trial as planned: its number (1-based), the searched values, the job spec it runs and its length.</summary>
public sealed record PlannedTrial(int Number, SweepAssignment[] Parameters, JobSpec Spec, int Steps, int EvaluateEvery);

/// <summary>A validated sweep: every trial, the concurrency, the objective and the early-stopping rule.</summary>
public sealed record SweepPlan(string Strategy, IReadOnlyList<PlannedTrial> Trials, int Concurrency, SweepObjective Objective, EarlyStoppingPlan EarlyStopping);

/// <summary>
/// Turns a <see cref="SweepSpec"/> into its trials, or into the list of everything wrong with it, each problem naming
/// its field. Pure and deterministic: the same spec plans the same trials (random search draws from
/// <see cref="SweepSpec.RandomSeed"/>), which is what lets a resumed sweep trust its stored plan.
/// </summary>
public static class SweepPlanner
{
    public const string Grid = "grid";
    public const string Random = "random";
    public const int MaxTrials = 10_000;
    public const int DefaultConcurrency = 2;
    const int MaxTrialProblems = 5;

    public static SweepPlan Plan(SweepSpec spec)
    {
        var (plan, problems) = Build(spec);
        if (problems.Count > 0) throw new SweepSpecException(problems);
        return plan!;
    }

    /// <summary>Every problem with <paramref name="spec"/>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(SweepSpec spec) => Build(spec).Problems;

    sealed record Dimension(int Index, string Name, SettingKind Kind, string[]? Values, double Min, double Max, bool Log);

    static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    static (SweepPlan? Plan, List<string> Problems) Build(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<string>();
        var baseSpec = spec.Base ?? new JobSpec();

        // Strategy, objective, seeds.
        string? strategy = spec.Strategy?.Trim().ToLowerInvariant();
        if (strategy is not (null or Grid or Random))
        {
            problems.Add($"Strategy = '{spec.Strategy}': expected grid or random");
            strategy = null;
        }
        if (!SweepObjective.TryParse(spec.Objective, out var objective))
        {
            problems.Add($"Objective = '{spec.Objective}': unknown; expected {string.Join(", ", SweepObjective.Names)}");
            objective = SweepObjective.Default;
        }
        int[]? seeds = spec.Seeds;
        if (seeds is { Length: 0 })
        {
            problems.Add("Seeds: empty; leave it out to run with the base spec's seed");
            seeds = null;
        }
        else if (seeds is not null && seeds.Distinct().Count() != seeds.Length)
            problems.Add($"Seeds = [{string.Join(", ", seeds)}]: a seed is listed twice");

        // The search space.
        var dimensions = new List<Dimension>();
        var space = spec.Space ?? [];
        if (space.Length == 0 && seeds is null)
            problems.Add("Space: empty; give at least one parameter to search (or Seeds)");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < space.Length; i++)
        {
            var p = space[i];
            var at = $"Space[{i}]";
            if (p is null) { problems.Add($"{at}: null"); continue; }
            if (string.IsNullOrWhiteSpace(p.Name)) { problems.Add($"{at}.Name: missing; name a field such as HyperParameters.ClipNorm"); continue; }
            if (!SweepParameters.TryResolve(p.Name, out var name, out var kind))
            {
                problems.Add($"{at}.Name = '{p.Name}': unknown hyperparameter; {SweepParameters.Suggest(p.Name)}");
                continue;
            }
            at = $"{at} ({name})";
            if (seen.TryGetValue(name, out var earlier)) { problems.Add($"{at}: {name} is already searched by Space[{earlier}]"); continue; }
            seen[name] = i;
            if (name == RunSettings.Seed.Name && seeds is not null)
                problems.Add($"Seeds: Seed is also searched by Space[{i}]; give the seeds in one place");

            bool hasRange = p.Min is not null || p.Max is not null || p.Scale is not null;
            if (p.Values is not null && hasRange) { problems.Add($"{at}: give Values or a range (Min, Max, Scale), not both"); continue; }
            if (p.Values is not null)
            {
                if (p.Values.Length == 0) { problems.Add($"{at}.Values: empty; list at least one value"); continue; }
                // Duplicates are found by canonical form (1 and 1.0); a value keeps the user's spelling (1e-6, not 1E-06).
                var canonical = new List<string>();
                var spelled = new List<string>();
                bool ok = true;
                for (int k = 0; k < p.Values.Length; k++)
                {
                    if (SweepParameters.TryParse(kind, p.Values[k], out var value) is { } problem)
                    {
                        problems.Add($"{at}.Values[{k}] = '{p.Values[k]}': {problem}");
                        ok = false;
                        continue;
                    }
                    var text = SweepParameters.Format(value!);
                    if (canonical.Contains(text, StringComparer.OrdinalIgnoreCase))
                    {
                        problems.Add($"{at}.Values[{k}] = '{p.Values[k]}': listed twice");
                        ok = false;
                        continue;
                    }
                    canonical.Add(text);
                    spelled.Add(p.Values[k].Trim());
                }
                if (ok) dimensions.Add(new Dimension(i, name, kind, spelled.ToArray(), 0, 0, false));
                continue;
            }
            if (!hasRange) { problems.Add($"{at}: no Values and no range; list Values, or give Min and Max"); continue; }
            if (kind is not (SettingKind.Integer or SettingKind.Real))
            {
                problems.Add($"{at}: a range needs a numeric field; list the Values of {name} instead");
                continue;
            }
            var rangeProblems = problems.Count;
            if (p.Min is null) problems.Add($"{at}.Min: missing (the range needs Min and Max)");
            else if (!double.IsFinite(p.Min.Value)) problems.Add($"{at}.Min = {Show(p.Min.Value)}: must be a finite number");
            if (p.Max is null) problems.Add($"{at}.Max: missing (the range needs Min and Max)");
            else if (!double.IsFinite(p.Max.Value)) problems.Add($"{at}.Max = {Show(p.Max.Value)}: must be a finite number");
            var scale = p.Scale?.Trim().ToLowerInvariant() ?? "linear";
            if (scale is not ("linear" or "log")) problems.Add($"{at}.Scale = '{p.Scale}': expected linear or log");
            if (problems.Count > rangeProblems) continue;
            double min = p.Min!.Value, max = p.Max!.Value;
            if (min > max) { problems.Add($"{at}: Min = {Show(min)} is above Max = {Show(max)}"); continue; }
            if (scale == "log")
            {
                if (min <= 0) { problems.Add($"{at}.Min = {Show(min)}: a log range needs positive bounds"); continue; }
            }
            if (kind == SettingKind.Integer && Math.Ceiling(min) > Math.Floor(max)) { problems.Add($"{at}: no integer between Min = {Show(min)} and Max = {Show(max)}"); continue; }
            if (kind == SettingKind.Integer && (min < int.MinValue || max > int.MaxValue)) { problems.Add($"{at}: the range is outside the integers"); continue; }
            dimensions.Add(new Dimension(i, name, kind, null, min, max, scale == "log"));
        }

        bool anyRange = dimensions.Any(d => d.Values is null);
        strategy ??= anyRange ? Random : Grid;
        if (strategy == Grid)
            foreach (var d in dimensions.Where(d => d.Values is null))
                problems.Add($"Space[{d.Index}] ({d.Name}): a range needs Strategy random; a grid lists Values");

        // Budget and the number of trials.
        int seedCount = seeds?.Length ?? 1;
        long trialCount;
        if (spec.Budget is { } b && b < 1) problems.Add($"Budget = {b}: must be positive");
        if (spec.Budget is > MaxTrials) problems.Add($"Budget = {spec.Budget}: at most {MaxTrials} trials per sweep");
        if (strategy == Grid)
        {
            trialCount = dimensions.Aggregate((long)seedCount, (n, d) => n * (d.Values?.Length ?? 1));
            if (trialCount > MaxTrials) problems.Add($"Space: the grid has {trialCount} trials; at most {MaxTrials} per sweep");
            if (spec.Budget is { } budget and > 0 && budget < trialCount && problems.Count == 0)
                problems.Add($"Budget = {budget}: smaller than the grid's {trialCount} trials; raise it, or use Strategy random to draw {budget} of them");
        }
        else
        {
            trialCount = spec.Budget ?? 0;
            if (spec.Budget is null) problems.Add("Budget: required for random search (how many trials to draw)");
            else if (spec.Budget > 0 && spec.Budget % seedCount != 0)
                problems.Add($"Budget = {spec.Budget}: not a multiple of the {seedCount} Seeds (every configuration runs once per seed)");
        }
        int budgetShown = (int)Math.Min(trialCount, MaxTrials);
        int concurrency = spec.Concurrency ?? (int)Math.Clamp(trialCount, 1, DefaultConcurrency);
        if (spec.Concurrency is { } c)
        {
            if (c < 1) problems.Add($"Concurrency = {c}: must be positive");
            else if (trialCount > 0 && c > trialCount)
                problems.Add($"Concurrency = {c}: above the budget of {budgetShown} trials{(spec.Budget is null ? " (the grid's size)" : "")}");
        }

        // Early stopping (its defaults need the trials' lengths: checked after planning).
        var early = spec.EarlyStopping;
        var rule = EarlyStoppingRule.None;
        if (early?.Rule is { } ruleName)
        {
            switch (ruleName.Trim().ToLowerInvariant())
            {
                case "" or "none": break;
                case "median": rule = EarlyStoppingRule.Median; break;
                case "asha" or "successive-halving": rule = EarlyStoppingRule.Asha; break;
                default: problems.Add($"EarlyStopping.Rule = '{ruleName}': expected none, median or asha"); break;
            }
        }
        if (early?.MinSteps is < 1) problems.Add($"EarlyStopping.MinSteps = {early.MinSteps}: must be positive");
        if (early?.MinTrials is < 1) problems.Add($"EarlyStopping.MinTrials = {early.MinTrials}: must be positive");
        if (early?.ReductionFactor is < 2) problems.Add($"EarlyStopping.ReductionFactor = {early.ReductionFactor}: must be at least 2");

        // The base spec on its own, and each listed value on the base spec.
        // A base problem about a searched field may go away with the searched values: those are checked with them.
        var reported = new HashSet<string>();
        foreach (var problem in JobSpecs.Validate(baseSpec))
            if (!seen.ContainsKey(FieldOf(problem)) && !(FieldOf(problem) == RunSettings.Seed.Name && seeds is not null) && reported.Add(problem))
                problems.Add($"Base.{problem}");
        foreach (var d in dimensions.Where(d => d.Values is not null))
        {
            for (int k = 0; k < d.Values!.Length; k++)
            {
                foreach (var problem in JobSpecs.Validate(SweepParameters.Apply(baseSpec, d.Name, d.Values[k])))
                    if (FieldOf(problem) == d.Name && reported.Add(problem))
                        problems.Add($"Space[{d.Index}].Values[{k}]: {problem}");
            }
        }
        if (problems.Count > 0) return (null, problems);

        // The trials.
        var assignments = strategy == Grid ? GridAssignments(dimensions) : RandomAssignments(dimensions, (int)(trialCount / seedCount), spec.RandomSeed ?? 0);
        var trials = new List<PlannedTrial>();
        var trialProblems = 0;
        foreach (var assignment in assignments)
        {
            foreach (var seed in seeds?.Select(s => (int?)s) ?? [null])
            {
                var parameters = seed is { } s ? [.. assignment, new SweepAssignment(RunSettings.Seed.Name, SweepParameters.Format(s))] : assignment;
                var jobSpec = SweepParameters.Apply(baseSpec, parameters);
                var number = trials.Count + 1;
                var trialIssues = JobSpecs.Validate(jobSpec).Where(reported.Add).ToList();
                if (trialIssues.Count > 0)
                {
                    if (++trialProblems <= MaxTrialProblems)
                        problems.Add($"Trial {number} ({Describe(parameters)}): {string.Join("; ", trialIssues)}");
                    trials.Add(new PlannedTrial(number, parameters, jobSpec, 0, 0));
                    continue;
                }
                var (training, _) = JobSpecs.Resolve(jobSpec);
                trials.Add(new PlannedTrial(number, parameters, jobSpec, training.Steps, training.EvaluateEvery));
            }
        }
        if (trialProblems > MaxTrialProblems) problems.Add($"… and {trialProblems - MaxTrialProblems} more trials with problems");
        if (problems.Count > 0) return (null, problems);

        var earlyPlan = EarlyStoppingPlan.None;
        if (rule != EarlyStoppingRule.None)
        {
            int longest = trials.Max(t => t.Steps);
            int firstEvaluation = trials.Min(t => t.EvaluateEvery);
            if (trials.All(t => t.EvaluateEvery >= t.Steps))
                problems.Add($"EarlyStopping.Rule = '{rule.ToString().ToLowerInvariant()}': the trials evaluate only at their end (EvaluateEvery = {firstEvaluation}, Steps = {longest}); " +
                             "lower Base.EvaluateEvery so that there are curves to compare");
            int minSteps = early!.MinSteps ?? firstEvaluation;
            if (early.MinSteps is { } m && m >= longest)
                problems.Add($"EarlyStopping.MinSteps = {m}: not below the trials' Steps = {longest}; no trial could be stopped");
            earlyPlan = new EarlyStoppingPlan(rule, minSteps, early.MinTrials ?? 3, early.ReductionFactor ?? 3);
        }
        if (problems.Count > 0) return (null, problems);
        return (new SweepPlan(strategy, trials, concurrency, objective, earlyPlan), problems);
    }

    /// <summary>The field a job spec problem is about: the text before " = " or ":".</summary>
    static string FieldOf(string problem)
    {
        int end = problem.IndexOf(" = ", StringComparison.Ordinal);
        int colon = problem.IndexOf(':', StringComparison.Ordinal);
        if (end < 0 || (colon >= 0 && colon < end)) end = colon;
        var field = end < 0 ? problem : problem[..end];
        return field.Split(',')[0].Trim();
    }

    public static string Describe(IEnumerable<SweepAssignment> parameters) =>
        string.Join(", ", parameters.Select(p => $"{ShortName(p.Name)} = {p.Value}"));

    /// <summary>A name without the <c>HyperParameters.</c> prefix, for tables.</summary>
    public static string ShortName(string name) =>
        name.StartsWith(SweepParameters.HyperParametersPrefix, StringComparison.Ordinal) ? name[SweepParameters.HyperParametersPrefix.Length..] : name;

    /// <summary>Every combination of the listed values, the first dimension varying slowest.</summary>
    static IEnumerable<SweepAssignment[]> GridAssignments(List<Dimension> dimensions)
    {
        if (dimensions.Count == 0)
        {
            yield return [];
            yield break;
        }
        var index = new int[dimensions.Count];
        while (true)
        {
            yield return dimensions.Select((d, i) => new SweepAssignment(d.Name, d.Values![index[i]])).ToArray();
            int k = dimensions.Count - 1;
            while (k >= 0 && ++index[k] == dimensions[k].Values!.Length) index[k--] = 0;
            if (k < 0) yield break;
        }
    }

    /// <summary><paramref name="count"/> draws, a value per dimension: uniform over the values, or over the range on its scale.</summary>
    static IEnumerable<SweepAssignment[]> RandomAssignments(List<Dimension> dimensions, int count, int seed)
    {
        var random = new System.Random(seed);
        for (int n = 0; n < count; n++)
            yield return dimensions.Select(d => new SweepAssignment(d.Name, Draw(d, random))).ToArray();
    }

    static string Draw(Dimension d, System.Random random)
    {
        if (d.Values is not null) return d.Values[random.Next(d.Values.Length)];
        double u = random.NextDouble();
        double x = d.Log ? Math.Exp(Math.Log(d.Min) + u * (Math.Log(d.Max) - Math.Log(d.Min))) : d.Min + u * (d.Max - d.Min);
        if (d.Kind == SettingKind.Integer)
            return SweepParameters.Format((int)Math.Clamp(Math.Round(x), Math.Ceiling(d.Min), Math.Floor(d.Max)));
        return SweepParameters.Format(Math.Clamp(x, d.Min, d.Max));
    }
}
