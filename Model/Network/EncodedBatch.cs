using NeuralProgrammer.Model.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// A minibatch as padded tensors with masks, so that the forward pass runs over all examples at once.
/// B examples, Q question words, N question numbers, M rows, C columns (each the batch's maximum).
/// </summary>
public sealed class EncodedBatch : IDisposable
{
    public required IReadOnlyList<Example> Examples { get; init; }
    /// <summary>[B, Q] word ids, 0 = padding.</summary>
    public required Tensor Words { get; init; }
    /// <summary>[B, Q] 1 for a real word.</summary>
    public required Tensor WordMask { get; init; }
    /// <summary>[B, N] question numbers; a question without numbers gets the one number −1 (the paper's Table 3).</summary>
    public required Tensor Numbers { get; init; }
    /// <summary>[B, N] index into the question states with a zero state in front: 0 = no word to the left, i+1 = word i.</summary>
    public required Tensor NumberPositions { get; init; }
    /// <summary>[B, N] true for a real number.</summary>
    public required Tensor NumberMask { get; init; }
    /// <summary>[B, M, C] numeric cells (0 in text columns and padding).</summary>
    public required Tensor Table { get; init; }
    /// <summary>[B, M] 1 for a real row.</summary>
    public required Tensor RowMask { get; init; }
    /// <summary>[B, C] true for a real column.</summary>
    public required Tensor ColumnMask { get; init; }
    /// <summary>[B, C] 1 for a numeric column.</summary>
    public required Tensor NumericColumns { get; init; }
    /// <summary>[B, C] 1 for a text column.</summary>
    public required Tensor TextColumns { get; init; }
    /// <summary>[B, C] word ids of the column names.</summary>
    public required Tensor ColumnNames { get; init; }
    /// <summary>[B, M, C] word ids of text cells (0 elsewhere).</summary>
    public required Tensor TextCells { get; init; }
    public required Tensor ScalarTarget { get; init; }
    public required Tensor IsScalar { get; init; }
    /// <summary>[B, M, C] the cells to print.</summary>
    public required Tensor LookupTarget { get; init; }
    public required Tensor IsLookup { get; init; }

    public int Size => Examples.Count;

    public void Dispose()
    {
        foreach (var tensor in new[]
                 {
                     Words, WordMask, Numbers, NumberPositions, NumberMask, Table, RowMask, ColumnMask, NumericColumns,
                     TextColumns, ColumnNames, TextCells, ScalarTarget, IsScalar, LookupTarget, IsLookup,
                 })
            tensor.Dispose();
    }

    public static EncodedBatch Encode(IReadOnlyList<Example> examples, Vocabulary vocabulary, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (examples.Count == 0) throw new ArgumentException("A batch needs at least one example.", nameof(examples));
        device ??= CPU;
        int b = examples.Count;
        int q = Math.Max(1, examples.Max(e => e.Question.Words.Count));
        int n = Math.Max(1, examples.Max(e => e.Question.Numbers.Count));
        int m = examples.Max(e => e.Table.RowCount);
        int c = examples.Max(e => e.Table.ColumnCount);

        var words = new long[b * q];
        var wordMask = new float[b * q];
        var numbers = new double[b * n];
        var positions = new long[b * n];
        var numberMask = new bool[b * n];
        var table = new double[b * m * c];
        var rowMask = new float[b * m];
        var columnMask = new bool[b * c];
        var numeric = new float[b * c];
        var text = new float[b * c];
        var names = new long[b * c];
        var cells = new long[b * m * c];
        var scalar = new double[b];
        var isScalar = new float[b];
        var lookup = new float[b * m * c];
        var isLookup = new float[b];

        for (int i = 0; i < b; i++)
        {
            var (tableI, question, answer) = (examples[i].Table, examples[i].Question, examples[i].Answer);
            for (int w = 0; w < question.Words.Count; w++)
            {
                words[i * q + w] = vocabulary.Id(question.Words[w]);
                wordMask[i * q + w] = 1;
            }
            if (question.Numbers.Count == 0)
            {
                numbers[i * n] = -1;
                numberMask[i * n] = true;
            }
            for (int k = 0; k < question.Numbers.Count; k++)
            {
                numbers[i * n + k] = question.Numbers[k];
                positions[i * n + k] = question.NumberPositions[k] + 1;
                numberMask[i * n + k] = true;
            }
            for (int r = 0; r < tableI.RowCount; r++) rowMask[i * m + r] = 1;
            for (int j = 0; j < tableI.ColumnCount; j++)
            {
                var column = tableI.Columns[j];
                columnMask[i * c + j] = true;
                names[i * c + j] = vocabulary.Id(column.Name);
                (column.IsText ? text : numeric)[i * c + j] = 1;
                for (int r = 0; r < column.RowCount; r++)
                {
                    int cell = (i * m + r) * c + j;
                    if (column.IsText) cells[cell] = vocabulary.Id(column.Words![r]);
                    else table[cell] = column.Numbers![r];
                }
            }
            switch (answer)
            {
                case ScalarAnswer s:
                    scalar[i] = s.Value;
                    isScalar[i] = 1;
                    break;
                case LookupAnswer l:
                    isLookup[i] = 1;
                    for (int r = 0; r < l.Rows; r++)
                    for (int j = 0; j < l.Columns; j++)
                        if (l[r, j]) lookup[(i * m + r) * c + j] = 1;
                    break;
            }
        }

        Tensor Real(double[] values, params long[] shape) => tensor(values, shape, dtype, device);
        Tensor Mask(float[] values, params long[] shape) => tensor(values, shape, ScalarType.Float32, device).to(dtype, disposeAfter: true);
        return new EncodedBatch
        {
            Examples = examples,
            Words = tensor(words, [b, q], device: device),
            WordMask = Mask(wordMask, b, q),
            Numbers = Real(numbers, b, n),
            NumberPositions = tensor(positions, [b, n], device: device),
            NumberMask = tensor(numberMask, [b, n], device: device),
            Table = Real(table, b, m, c),
            RowMask = Mask(rowMask, b, m),
            ColumnMask = tensor(columnMask, [b, c], device: device),
            NumericColumns = Mask(numeric, b, c),
            TextColumns = Mask(text, b, c),
            ColumnNames = tensor(names, [b, c], device: device),
            TextCells = tensor(cells, [b, m, c], device: device),
            ScalarTarget = Real(scalar, b),
            IsScalar = Mask(isScalar, b),
            LookupTarget = Mask(lookup, b, m, c),
            IsLookup = Mask(isLookup, b),
        };
    }
}
