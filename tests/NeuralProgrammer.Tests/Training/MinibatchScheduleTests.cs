using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Tests.Training;

public class MinibatchScheduleTests
{
    [Fact]
    public void WorkersSplitExactlyTheSingleProcessBatch()
    {
        var single = new MinibatchSchedule(1000, 50, seed: 4);
        var sharded = new MinibatchSchedule(1000, 50, seed: 4);
        foreach (var update in new long[] { 0, 1, 19, 20, 57 })
        {
            var whole = single.Indices(update);
            var parts = Enumerable.Range(0, 4).SelectMany(k => sharded.Indices(update, k, 4)).ToArray();
            Assert.Equal(whole, parts);
        }
    }

    [Fact]
    public void EachEpochVisitsEveryExampleOnceInANewOrder()
    {
        var schedule = new MinibatchSchedule(100, 10, seed: 2);
        var first = Enumerable.Range(0, 10).SelectMany(u => schedule.Indices(u)).ToArray();
        var second = Enumerable.Range(10, 10).SelectMany(u => schedule.Indices(u)).ToArray();
        Assert.Equal(Enumerable.Range(0, 100), first.Order());
        Assert.Equal(Enumerable.Range(0, 100), second.Order());
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void MoreWorkersThanExamplesOrABatchLargerThanTheDataIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinibatchSchedule(10, 20, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinibatchSchedule(100, 10, 1).Indices(0, 4, 4));
    }
}
