/// <summary>Measures one job's steps: told the job's update at each poll while it runs, asked for its figures once it has completed.</summary>
interface IStepMeter : IDisposable
{
    Task Mark(long update);

    Task<StepFigures> Figures(long updates);
}
