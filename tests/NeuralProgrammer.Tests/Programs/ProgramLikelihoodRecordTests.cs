using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Tests.Programs;

/// <summary>
/// The teacher-forced pass computes h_t's shares once per operation, per (example, column) and per row of the step
/// before, and the selector's question share once per question, then gathers them per row; before, each row computed
/// its own. The log-likelihoods of a batch's remembered programs on fixed weights (float64) were recorded with the
/// per-row pass (at 129fbaa) and must not move beyond rounding.
/// </summary>
public class ProgramLikelihoodRecordTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheMemoryProgramsScoreAsRecordedWithThePerRowPass(bool attention)
    {
        var hyperParameters = HyperParameters.Default with { Dimension = 16, InitScale = 0.5, QuestionAttention = attention };
        using var network = new NeuralProgrammerNetwork(Vocabulary.All.Count, Operations.Numeric, hyperParameters, seed: 7);
        network.to(ScalarType.Float64);
        var examples = SyntheticData.Generate(DatasetVariant.Columns3, 600, 8, DataSplit.Train);
        var memory = ProgramMemory.Build(examples, network.Operations, hyperParameters.Steps);
        var batchExamples = examples.Where(e => memory.For(e).Count > 0).Take(12).ToList();
        using var batch = EncodedBatch.Encode(batchExamples, Vocabulary.All, ScalarType.Float64);
        using var targets = ProgramTargets.Encode(batchExamples, memory, hyperParameters.Steps, CPU);
        using var _ = no_grad();
        using var logLikelihood = network.ProgramLogLikelihood(batch, targets);

        var actual = logLikelihood.data<double>().ToArray();
        var recorded = attention ? WithAttention : Plain;
        Assert.Equal(recorded.Length, actual.Length);
        for (int i = 0; i < recorded.Length; i++)
            Assert.True(double.IsNegativeInfinity(recorded[i]) ? double.IsNegativeInfinity(actual[i]) : Math.Abs(recorded[i] - actual[i]) < 1e-12,
                $"slot {i}: log π = {actual[i]:R}, recorded {recorded[i]:R}");
    }

    static readonly double[] Plain =
    [
        -12.434071368242702, -10.179174825989557, -11.104340389965014, -11.488645732199043, -9.982380105557764, -9.872078487653699,
        -9.374382858326355, -8.91299283023756, -10.240032453781485, -8.780982549907655, -9.968018097138657, -10.20834540903516,
        -9.172445112853287, -8.824879571928724, -9.080828238016561, -8.979669786505722, -14.22295893956043, -12.665043957950875,
        -13.247253565414121, -12.70465968826576, -12.518252379448146, -11.511977615036583, -12.887592310184727, -10.768008689122446,
        -13.452962970938055, -13.891102489099133, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity,
        double.NegativeInfinity, double.NegativeInfinity, -9.402825257389967, -8.807880952075259, -8.443411708728501, -9.405642169997678,
        -9.053806517166706, -9.000079136829196, -9.967838294443638, -9.853636207440388, -13.914215948802319, -12.712609977313498,
        -12.755526723972677, -11.000621473871504, -10.535301422453818, -9.762698365099219, -9.940437505848795, -10.912601480701953,
        -9.065606681655572, -8.987369758939252, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity,
        double.NegativeInfinity, double.NegativeInfinity, -8.206907690333761, -9.55901696303964, double.NegativeInfinity, double.NegativeInfinity,
        double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, -9.402825257389967, -8.807880952075259,
        -8.443411708728501, -9.405642169997678, -9.053806517166706, -9.000079136829196, -9.967838294443638, -9.853636207440388,
        -7.805268427000648, -8.215230500094378, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity,
        double.NegativeInfinity, double.NegativeInfinity, -8.83460604827612, -11.2567661990985, -10.003119527617091, -10.851043601666387,
        -10.611155530849967, -10.44234570472519, -10.612060082322834, -10.108695381878098, -14.471125941367548, -11.841298948607015,
        -13.121030128697907, -12.458957176807042, -10.760568663802268, -11.184471740302158, -11.881317583794665, -11.691752224340352,
    ];

    static readonly double[] WithAttention =
    [
        -12.196040583965774, -10.141107618789182, -10.689864737823616, -11.218719259697245, -9.141501128932306, -9.044672825817592,
        -9.357962693406243, -9.927548473959071, -10.079927461681917, -9.812210046962079, -10.739192918361482, -10.423880381033563,
        -8.735830879937565, -10.703770156279639, -10.724872412372441, -9.940955623439535, -14.50663440741463, -13.392796548899078,
        -13.852852626552432, -13.39350278077058, -13.444878692983666, -12.063897992961902, -13.21326132346532, -11.648584770465968,
        -15.287969650976954, -15.919232805440117, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity,
        double.NegativeInfinity, double.NegativeInfinity, -9.345538661403594, -9.84272634604306, -8.989961600922474, -8.676530505112169,
        -9.358525900220192, -9.15704393799291, -9.61873477165664, -9.107751923495684, -12.201665397141511, -11.34712502304231,
        -11.061903282394862, -10.498448759176307, -9.88367590643709, -9.499569570884765, -9.222330109134422, -10.627978461458326,
        -9.109577218819608, -9.718004772687287, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity,
        double.NegativeInfinity, double.NegativeInfinity, -8.556068877169775, -10.651282517204407, double.NegativeInfinity, double.NegativeInfinity,
        double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, -9.345538661403594, -9.84272634604306,
        -8.989961600922474, -8.676530505112169, -9.358525900220192, -9.15704393799291, -9.61873477165664, -9.107751923495684,
        -9.586188098576617, -10.03130049212948, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity,
        double.NegativeInfinity, double.NegativeInfinity, -9.785222334623697, -9.972815294238309, -9.25407801028497, -9.783590010057209,
        -8.468257806528381, -9.063949253068664, -10.16950274095624, -9.087036677715075, -14.391416626823963, -12.122430346098342,
        -12.988071058787169, -12.206925845223433, -10.561660869629563, -10.957927589050321, -12.687894027617237, -13.408667413772719,
    ];
}
