using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// Runs hard programs on one example with the semantics of the network's argmax forward pass (docs/model.md 1.3, 1.6):
/// row selections are bit masks over the rows, scalars are exact. Text match, which the network learns, is taken here
/// as what it is meant to learn: the rows whose cell in the column is one of the question's words.
/// </summary>
public sealed class ProgramExecution
{
    /// <summary>Row selections are 128-bit masks; the paper's tables have at most 120 rows.</summary>
    public const int MaxRows = 128;

    readonly Example example;
    readonly UInt128 allRows;
    readonly UInt128[,] greater;
    readonly UInt128[,] lesser;
    readonly UInt128[] textMatch;
    /// <summary>The numeric cells row by row, 0 in text columns: what sum adds.</summary>
    readonly double[] cells;
    readonly Dictionary<UInt128, double[]> sums = [];
    (UInt128 Rows, double[]? Sums) lastSums;
    readonly int targetColumn;
    readonly UInt128 targetRows;

    /// <summary>The state after a prefix of a program: the last three scalars, the last two row selections, the pivots in use.</summary>
    public readonly record struct State(double Scalar1, double Scalar2, double Scalar3, UInt128 Rows1, UInt128 Rows2, int GreaterPivot, int LesserPivot);

    public static bool CanRun(Example example) => example.Table.RowCount <= MaxRows;

    public ProgramExecution(Example example)
    {
        if (!CanRun(example)) throw new ArgumentException($"A table of {example.Table.RowCount} rows is more than the {MaxRows} a program execution handles.", nameof(example));
        this.example = example;
        var (table, question) = (example.Table, example.Question);
        int rows = table.RowCount, columns = table.ColumnCount;
        allRows = rows == MaxRows ? UInt128.MaxValue : (UInt128.One << rows) - 1;
        // A question without numbers has the one pivot −1, as in EncodedBatch.
        var pivots = question.Numbers.Count == 0 ? [-1.0] : question.Numbers.ToArray();
        greater = new UInt128[columns, pivots.Length];
        lesser = new UInt128[columns, pivots.Length];
        textMatch = new UInt128[columns];
        cells = new double[rows * columns];
        var words = question.Words.ToHashSet();
        for (int j = 0; j < columns; j++)
        {
            var column = table.Columns[j];
            for (int i = 0; i < rows; i++)
            {
                var bit = UInt128.One << i;
                if (column.IsText)
                {
                    if (words.Contains(column.Words![i])) textMatch[j] |= bit;
                    continue;
                }
                cells[i * columns + j] = column.Numbers![i];
                for (int k = 0; k < pivots.Length; k++)
                {
                    if (column.Numbers![i] > pivots[k]) greater[j, k] |= bit;
                    if (column.Numbers![i] < pivots[k]) lesser[j, k] |= bit;
                }
            }
        }
        (targetColumn, targetRows) = example.Answer is LookupAnswer lookup ? Target(lookup) : (-1, UInt128.Zero);
    }

    public Example Example => example;
    public static State Start(UInt128 allRows) => new(0, 0, 0, allRows, allRows, -1, -1);
    public State Initial => Start(allRows);

    /// <summary>Every move this example allows: each operation of the network on each column it can act on, each pivot.</summary>
    public IReadOnlyList<ProgramMove> Moves(IReadOnlyList<Operation> operations)
    {
        var moves = new List<ProgramMove>();
        var columns = example.Table.Columns;
        foreach (var operation in operations)
            switch (operation)
            {
                case Operation.Sum:
                    for (int j = 0; j < columns.Count; j++)
                        if (!columns[j].IsText) moves.Add(new(operation, j));
                    break;
                case Operation.Greater or Operation.Lesser:
                    for (int j = 0; j < columns.Count; j++)
                        if (!columns[j].IsText)
                            for (int k = 0; k < greater.GetLength(1); k++) moves.Add(new(operation, j, k));
                    break;
                case Operation.TextMatch:
                    for (int j = 0; j < columns.Count; j++)
                        if (columns[j].IsText) moves.Add(new(operation, j));
                    break;
                case Operation.Assign:
                    for (int j = 0; j < columns.Count; j++) moves.Add(new(operation, j));
                    break;
                default:
                    moves.Add(new(operation));
                    break;
            }
        return moves;
    }

    /// <summary>
    /// The state after one more move, or null when the move's pivot contradicts one already in use or names a column
    /// or number this example does not have.
    /// </summary>
    public State? Apply(in State state, ProgramMove move)
    {
        if (move.Column >= textMatch.Length || move.Pivot >= greater.GetLength(1)) return null;
        var (greaterPivot, lesserPivot) = (state.GreaterPivot, state.LesserPivot);
        if (move.Operation == Operation.Greater)
        {
            if (greaterPivot >= 0 && greaterPivot != move.Pivot) return null;
            greaterPivot = move.Pivot;
        }
        else if (move.Operation == Operation.Lesser)
        {
            if (lesserPivot >= 0 && lesserPivot != move.Pivot) return null;
            lesserPivot = move.Pivot;
        }
        double scalar = 0;
        UInt128 rows = UInt128.Zero;
        switch (move.Operation)
        {
            case Operation.Sum: scalar = Sums(state.Rows1)[move.Column]; break;
            case Operation.Count: scalar = (double)UInt128.PopCount(state.Rows1); break;
            case Operation.Difference: scalar = state.Scalar3 - state.Scalar1; break;
            case Operation.And: rows = state.Rows1 & state.Rows2; break;
            case Operation.Or: rows = state.Rows1 | state.Rows2; break;
            default: rows = SelectionOf(move) ?? UInt128.Zero; break;
        }
        return new State(scalar, state.Scalar1, state.Scalar2, rows, state.Rows1, greaterPivot, lesserPivot);
    }

    /// <summary>
    /// The rows a move selects whatever the state before it: a comparison's or text match's rows, all rows after
    /// reset, none after a scalar or print. Null for and/or, which combine the state's, and for a column or pivot this
    /// example does not have.
    /// </summary>
    public UInt128? SelectionOf(ProgramMove move)
    {
        if (move.Column >= textMatch.Length || move.Pivot >= greater.GetLength(1)) return null;
        return move.Operation switch
        {
            Operation.Greater => greater[move.Column, move.Pivot],
            Operation.Lesser => lesser[move.Column, move.Pivot],
            Operation.TextMatch => textMatch[move.Column],
            Operation.Reset => allRows,
            Operation.And or Operation.Or => null,
            _ => UInt128.Zero,
        };
    }

    /// <summary>
    /// Whether ending with <paramref name="last"/> from <paramref name="before"/> answers the example right, by the
    /// rule of <see cref="Evaluator.IsCorrect"/>: sum, count and difference give a scalar, assign prints its column's
    /// selected rows, anything else gives no answer.
    /// </summary>
    public bool Answers(in State before, ProgramMove last)
    {
        if (last.Operation.AnswersScalar())
            return example.Answer is ScalarAnswer truth && Apply(before, last) is { } after
                && Math.Abs(after.Scalar1 - truth.Value) < Evaluator.ScalarTolerance;
        return last.Operation == Operation.Assign && example.Answer is LookupAnswer
            && before.Rows1 == targetRows && (targetColumn == last.Column || targetRows == UInt128.Zero);
    }

    /// <summary>Whether the whole program answers the example right.</summary>
    public bool Answers(HardProgram program) => Before(program) is { } state && Answers(state, program.Steps[^1]);

    /// <summary>
    /// What the program answers, as <see cref="Evaluator"/> reads the network's: a scalar, the printed cells, or null
    /// (no answer, or a pivot used inconsistently).
    /// </summary>
    public Answer? Run(HardProgram program)
    {
        var last = program.Steps[^1];
        if (Before(program) is not { } before || last.Column >= example.Table.ColumnCount) return null;
        if (last.Operation.AnswersScalar()) return Apply(before, last) is { } after ? new ScalarAnswer(after.Scalar1) : null;
        if (last.Operation != Operation.Assign) return null;
        var (rows, columns) = (example.Table.RowCount, example.Table.ColumnCount);
        var cells = new bool[rows * columns];
        for (int i = 0; i < rows; i++) cells[i * columns + last.Column] = (before.Rows1 >> i & UInt128.One) != UInt128.Zero;
        return new LookupAnswer(rows, columns, cells);
    }

    /// <summary>The state before the program's last move, or null when a pivot is used inconsistently.</summary>
    State? Before(HardProgram program)
    {
        var state = Initial;
        for (int s = 0; s < program.Steps.Count - 1; s++)
        {
            if (Apply(state, program.Steps[s]) is not { } next) return null;
            state = next;
        }
        return state;
    }

    double[] Sums(UInt128 rows)
    {
        // A search sums one state's rows for each column in turn.
        if (lastSums.Rows == rows && lastSums.Sums is { } last) return last;
        if (sums.TryGetValue(rows, out var found)) return (lastSums = (rows, found)).Sums!;
        int columns = textMatch.Length;
        found = new double[columns];
        for (var bits = rows; bits != UInt128.Zero; bits &= bits - 1)
        {
            var row = cells.AsSpan((int)UInt128.TrailingZeroCount(bits) * columns, columns);
            for (int j = 0; j < columns; j++) found[j] += row[j];
        }
        lastSums = (rows, found);
        return sums[rows] = found;
    }

    /// <summary>The printed column and rows of a lookup answer; column −2 when the answer spans columns (no program prints it).</summary>
    static (int Column, UInt128 Rows) Target(LookupAnswer answer)
    {
        int column = -1;
        UInt128 rows = UInt128.Zero;
        for (int i = 0; i < answer.Rows; i++)
        for (int j = 0; j < answer.Columns; j++)
        {
            if (!answer[i, j]) continue;
            if (column >= 0 && column != j) return (-2, rows);
            column = j;
            rows |= UInt128.One << i;
        }
        return (column, rows);
    }
}
