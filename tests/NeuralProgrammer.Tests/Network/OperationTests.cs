using NeuralProgrammer.Model.Network;
using static TorchSharp.torch;

namespace NeuralProgrammer.Tests.Network;

/// <summary>Each operation and combination rule of docs/model.md 1.3 on a 3×2 table, against values computed by hand.</summary>
public class OperationTests
{
    // Rows: (1, 10), (2, 20), (3, 30).
    static Tensor Table() => tensor(new double[] { 1, 10, 2, 20, 3, 30 }, [1, 3, 2], ScalarType.Float64);
    static Tensor Rows(params double[] values) => tensor(values, [1, values.Length], ScalarType.Float64);
    static Tensor Scalar(double value) => tensor(new[] { value }, ScalarType.Float64);
    static readonly Combination Combination = new(Operations.Numeric);

    static Tensor OneHot(Operation operation)
    {
        var weights = new double[Operations.Numeric.Count];
        weights[Combination.OperationIndex(operation)] = 1;
        return tensor(weights, [1, weights.Length], ScalarType.Float64);
    }

    static Tensor Mix(params (Operation Operation, double Weight)[] parts)
    {
        var weights = new double[Operations.Numeric.Count];
        foreach (var (operation, weight) in parts) weights[Combination.OperationIndex(operation)] = weight;
        return tensor(weights, [1, weights.Length], ScalarType.Float64);
    }

    static double[] Values(Tensor t) => t.contiguous().data<double>().ToArray();

    [Fact]
    public void SumOverSelectedRowsOfTheChosenColumn()
    {
        var scalar = Combination.ScalarAnswer(OneHot(Operation.Sum), Rows(0, 1), Table(), Rows(1, 0, 1), Scalar(7), Scalar(9));
        Assert.Equal(40, Values(scalar)[0], 10); // 10 + 30
    }

    [Fact]
    public void CountOfSelectedRows()
    {
        var scalar = Combination.ScalarAnswer(OneHot(Operation.Count), Rows(0.5, 0.5), Table(), Rows(1, 0, 1), Scalar(7), Scalar(9));
        Assert.Equal(2, Values(scalar)[0], 10);
    }

    [Fact]
    public void DifferenceIsScalarThreeStepsBackMinusLastStep()
    {
        var scalar = Combination.ScalarAnswer(OneHot(Operation.Difference), Rows(1, 0), Table(), Rows(1, 1, 1), scalarBefore1: Scalar(7), scalarBefore3: Scalar(9));
        Assert.Equal(2, Values(scalar)[0], 10); // 9 − 7
    }

    [Fact]
    public void SoftScalarAnswerBlendsOperationsAndColumns()
    {
        // 0.5·Σ_j α_col(j)·sum[j] + 0.3·count + 0.2·diff, α_col = (0.25, 0.75), sums over rows (1, 0, 1) = (4, 40), count 2, diff 9 − 7.
        var alpha = Mix((Operation.Sum, 0.5), (Operation.Count, 0.3), (Operation.Difference, 0.2));
        var scalar = Combination.ScalarAnswer(alpha, Rows(0.25, 0.75), Table(), Rows(1, 0, 1), Scalar(7), Scalar(9));
        Assert.Equal(0.5 * (0.25 * 4 + 0.75 * 40) + 0.3 * 2 + 0.2 * 2, Values(scalar)[0], 10);
    }

    [Fact]
    public void AndOrResetCombineTheLastTwoRowSelections()
    {
        var zero = zeros(1, 3, 2, ScalarType.Float64);
        var mask = Rows(1, 1, 1);
        var previous = Rows(1, 0, 0.5);
        var beforePrevious = Rows(0.25, 1, 1);
        Assert.Equal(new[] { 0.25, 0, 0.5 }, Values(Combination.RowSelect(OneHot(Operation.And), Rows(1, 0), previous, beforePrevious, mask, zero, zero, null)));
        Assert.Equal(new[] { 1, 1, 1.0 }, Values(Combination.RowSelect(OneHot(Operation.Or), Rows(1, 0), previous, beforePrevious, mask, zero, zero, null)));
        Assert.Equal(new[] { 1, 1, 1.0 }, Values(Combination.RowSelect(OneHot(Operation.Reset), Rows(1, 0), previous, beforePrevious, mask, zero, zero, null)));
        Assert.Equal(new[] { 0, 0, 0.0 }, Values(Combination.RowSelect(OneHot(Operation.Sum), Rows(1, 0), previous, beforePrevious, mask, zero, zero, null)));
        var soft = Mix((Operation.And, 0.5), (Operation.Reset, 0.25), (Operation.Count, 0.25));
        Assert.Equal(new[] { 0.5 * 0.25 + 0.25, 0.25, 0.5 * 0.5 + 0.25 }, Values(Combination.RowSelect(soft, Rows(1, 0), previous, beforePrevious, mask, zero, zero, null)));
    }

    [Fact]
    public void ComparisonsSelectRowsThroughTheChosenColumn()
    {
        // Greater than 15 on column 1 selects rows 2 and 3; lesser than 2.5 on column 0 selects rows 1 and 2.
        var numbers = tensor(new[] { 15.0 }, [1, 1], ScalarType.Float64);
        var beta = ones(1, 1, ScalarType.Float64);
        var greater = Pivot.Compare(Table(), numbers, beta, greater: true, ComparisonMode.Expected);
        var lesser = Pivot.Compare(Table(), tensor(new[] { 2.5 }, [1, 1], ScalarType.Float64), beta, greater: false, ComparisonMode.Expected);
        var mask = Rows(1, 1, 1);
        var selectGreater = Combination.RowSelect(OneHot(Operation.Greater), Rows(0, 1), mask, mask, mask, greater, lesser, null);
        var selectLesser = Combination.RowSelect(OneHot(Operation.Lesser), Rows(1, 0), mask, mask, mask, greater, lesser, null);
        Assert.Equal(new[] { 0, 1, 1.0 }, Values(selectGreater));
        Assert.Equal(new[] { 1, 1, 0.0 }, Values(selectLesser));
        var soft = Combination.RowSelect(Mix((Operation.Greater, 0.5), (Operation.Lesser, 0.5)), Rows(0.5, 0.5), mask, mask, mask, greater, lesser, null);
        // 0.5·(0.5·g[:,0] + 0.5·g[:,1]) + 0.5·(0.5·l[:,0] + 0.5·l[:,1]); g = (0,0; 0,1; 0,1), l = (1,0; 1,0; 0,0)
        Assert.Equal(new[] { 0.25, 0.5, 0.25 }, Values(soft));
    }

    [Fact]
    public void PaddingRowsAreNeverSelected()
    {
        var zero = zeros(1, 3, 2, ScalarType.Float64);
        var mask = Rows(1, 1, 0);
        Assert.Equal(new[] { 1, 1, 0.0 }, Values(Combination.RowSelect(OneHot(Operation.Reset), Rows(1, 0), mask, mask, mask, zero, zero, null)));
    }

    [Fact]
    public void AssignPrintsTheSelectedRowsOfTheChosenColumn()
    {
        var lookup = Combination.LookupAnswer(OneHot(Operation.Assign), Rows(1, 0), Rows(1, 0, 1));
        Assert.Equal(new[] { 1, 0, 0, 0, 1, 0.0 }, Values(lookup));
        var soft = Combination.LookupAnswer(Mix((Operation.Assign, 0.5), (Operation.Sum, 0.5)), Rows(0.25, 0.75), Rows(1, 0, 1));
        Assert.Equal(new[] { 0.125, 0.375, 0, 0, 0.125, 0.375 }, Values(soft));
    }

    [Fact]
    public void PivotComparisonModesAgreeWhenBetaIsOneHotAndDifferWhenSoft()
    {
        var table = tensor(new double[] { -5, 0, 5 }, [1, 3, 1], ScalarType.Float64);
        var numbers = tensor(new double[] { 2, -1 }, [1, 2], ScalarType.Float64);
        var hard = tensor(new double[] { 1, 0 }, [1, 2], ScalarType.Float64);
        var soft = tensor(new double[] { 0.5, 0.5 }, [1, 2], ScalarType.Float64);
        Assert.Equal(new[] { 0, 0, 1.0 }, Values(Pivot.Compare(table, numbers, hard, true, ComparisonMode.Expected)));
        Assert.Equal(new[] { 0, 0, 1.0 }, Values(Pivot.Compare(table, numbers, hard, true, ComparisonMode.Paper)));
        // expected: 0.5·1[x > 2] + 0.5·1[x > −1]; paper: 1[x > 0.5]
        Assert.Equal(new[] { 0, 0.5, 1.0 }, Values(Pivot.Compare(table, numbers, soft, true, ComparisonMode.Expected)));
        Assert.Equal(new[] { 0, 0, 1.0 }, Values(Pivot.Compare(table, numbers, soft, true, ComparisonMode.Paper)));
        Assert.Equal(new[] { 1, 0.5, 0.0 }, Values(Pivot.Compare(table, numbers, soft, false, ComparisonMode.Expected)));
        Assert.Equal(0.5, Values(Pivot.Value(soft, numbers))[0], 10);
    }

    [Fact]
    public void PivotAttentionIgnoresPaddingNumbers()
    {
        var states = tensor(new double[] { 1, 0, 0, 1, 5, 5 }, [1, 3, 2], ScalarType.Float64);
        var u = tensor(new double[] { 2, 0 }, ScalarType.Float64);
        var mask = tensor(new[] { true, true, false }, [1, 3]);
        var beta = Values(Pivot.Attention(states, u, mask, hard: false));
        Assert.Equal(Math.Exp(2) / (Math.Exp(2) + 1), beta[0], 10);
        Assert.Equal(0, beta[2]);
        Assert.Equal(new[] { 1, 0, 0.0 }, Values(Pivot.Attention(states, u, mask, hard: true)));
    }

    [Fact]
    public void TextMatchFollowsItsEquations()
    {
        // B=1, M=2 rows, C=2 columns (column 1 text), d=2, Q=2 question states.
        var generator = new TorchSharp.torch.Generator(3);
        var cells = rand([1, 2, 2, 2], ScalarType.Float64, generator: generator) - 0.5;
        var q = rand([1, 2], ScalarType.Float64, generator: generator);
        var p = rand([1, 2, 2], ScalarType.Float64, generator: generator);
        var z = rand([1, 2, 2], ScalarType.Float64, generator: generator);
        var (wordMask, rowMask, textColumns) = (ones(1, 2, ScalarType.Float64), ones(1, 2, ScalarType.Float64), tensor(new double[] { 0, 1 }, [1, 2], ScalarType.Float64));
        var tm = Values(TextMatch.Match(cells, q, p, z, wordMask, rowMask, textColumns, hard: false));
        var hardTm = Values(TextMatch.Match(cells, q, p, z, wordMask, rowMask, textColumns, hard: true));

        double[] A(int m, int k) => [cells[0, m, k, 0].item<double>(), cells[0, m, k, 1].item<double>()];
        double Dot(double[] a, double[] b) => a[0] * b[0] + a[1] * b[1];
        double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
        double[] qv = [q[0, 0].item<double>(), q[0, 1].item<double>()];
        double[][] zs = [[z[0, 0, 0].item<double>(), z[0, 0, 1].item<double>()], [z[0, 1, 0].item<double>(), z[0, 1, 1].item<double>()]];
        const int k = 1;
        var d = new double[2];
        for (int m = 0; m < 2; m++)
        for (int i = 0; i < 2; i++)
            d[i] += Sigmoid(Dot(A(m, k), qv)) * A(m, k)[i] / 2;
        double[] e = [d[0] + p[0, k, 0].item<double>(), d[1] + p[0, k, 1].item<double>()];
        double w0 = Math.Exp(Dot(e, zs[0])), w1 = Math.Exp(Dot(e, zs[1]));
        double[] g = [(w0 * zs[0][0] + w1 * zs[1][0]) / (w0 + w1), (w0 * zs[0][1] + w1 * zs[1][1]) / (w0 + w1)];

        Assert.Equal(0, tm[0]); // numeric column
        Assert.Equal(0, tm[2]);
        Assert.Equal(Sigmoid(Dot(A(0, k), g)), tm[1], 10);
        Assert.Equal(Sigmoid(Dot(A(1, k), g)), tm[3], 10);
        // Argmax inference: a text cell is matched when its score passes ½, a numeric one never.
        Assert.Equal(tm.Select(v => v > 0.5 ? 1.0 : 0.0), hardTm);
        Assert.Contains(tm, v => v > 0 && v < 1);
    }
}
