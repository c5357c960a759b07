using NeuralProgrammer.Model.Network;

namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// Whether some answering move answers an example right from a state: the test that keeps the last layer of
/// <see cref="ProgramSearch"/> to the few states a program can end from. Every answering move but difference reads
/// only the state's last row selection, and every move but and/or selects the same rows whatever the state before it
/// (<see cref="ProgramExecution.SelectionOf"/>), so for those the answer is known per move; difference reads the
/// scalars, which after every move that computes none are those after reset.
/// </summary>
sealed class LastMoveCheck
{
    readonly ProgramExecution execution;
    readonly IReadOnlyList<ProgramMove> answering;
    readonly ProgramMove[] difference;
    readonly ProgramMove? reset;
    /// <summary>Per move: whether answering moves answer from the rows it selects whatever the state, null when those rows depend on the state.</summary>
    readonly bool?[] answersFromSelection;
    readonly bool[] computesScalar;
    readonly Dictionary<UInt128, bool> answersFromRows = [];
    bool differenceAfterSelection = true;

    public LastMoveCheck(ProgramExecution execution, IReadOnlyList<ProgramMove> moves, IReadOnlyList<ProgramMove> answering)
    {
        this.execution = execution;
        this.answering = answering;
        difference = answering.Where(m => m.Operation == Operation.Difference).ToArray();
        reset = moves.Where(m => m.Operation == Operation.Reset).Select(m => (ProgramMove?)m).FirstOrDefault();
        // A scalar answers only a question with a scalar answer.
        bool scalarAnswer = execution.Example.Answer is Data.ScalarAnswer;
        computesScalar = moves.Select(m => scalarAnswer && m.Operation.AnswersScalar()).ToArray();
        answersFromSelection = moves.Select(m => execution.SelectionOf(m) is { } rows ? AnswersFrom(execution.Initial with { Rows1 = rows }) : (bool?)null).ToArray();
    }

    /// <summary>Sets the state the next moves are made from.</summary>
    public void From(in ProgramExecution.State before) =>
        differenceAfterSelection = reset is not { } r || execution.Apply(before, r) is not { } after || AnswersByDifference(after);

    /// <summary>Whether move <paramref name="move"/> (an index into the moves) can leave a state that answers, from the state of <see cref="From"/>.</summary>
    public bool MayAnswer(int move) => answersFromSelection[move] is not false || differenceAfterSelection || computesScalar[move];

    /// <summary>Whether <paramref name="after"/>, the state after move <paramref name="move"/>, answers.</summary>
    public bool Answers(in ProgramExecution.State after, int move) =>
        (answersFromSelection[move] ?? AnswersFrom(after)) || AnswersByDifference(after);

    bool AnswersFrom(ProgramExecution.State state)
    {
        if (!answersFromRows.TryGetValue(state.Rows1, out bool answers))
            answersFromRows[state.Rows1] = answers = answering.Any(m => m.Operation != Operation.Difference && execution.Answers(state, m));
        return answers;
    }

    bool AnswersByDifference(in ProgramExecution.State state)
    {
        foreach (var last in difference)
            if (execution.Answers(state, last)) return true;
        return false;
    }
}
