using NeuralProgrammer.Model.Network;

namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// Whether some answering move answers an example right from a state: the test that keeps the last layer of
/// <see cref="ProgramSearch"/> to the few states a program can end from. Every answering move but difference reads
/// only the state's last row selection, which for every move but and/or is the same whatever the state before it (a
/// comparison's rows, all rows after reset, none after a scalar), so the answer for the selection a move left last
/// time is nearly always the answer this time.
/// </summary>
sealed class LastMoveCheck(ProgramExecution execution, IReadOnlyList<ProgramMove> moves, IReadOnlyList<ProgramMove> answering)
{
    readonly Dictionary<UInt128, bool> answersFromRows = [];
    readonly (UInt128 Rows, bool Answers)?[] lastRows = new (UInt128, bool)?[moves.Count];
    readonly ProgramMove[] difference = answering.Where(m => m.Operation == Operation.Difference).ToArray();

    /// <param name="state">The state after move <paramref name="move"/> (an index into the moves).</param>
    public bool CanAnswer(in ProgramExecution.State state, int move)
    {
        if (lastRows[move] is not { } remembered || remembered.Rows != state.Rows1)
            lastRows[move] = remembered = (state.Rows1, AnswersFromRows(state));
        if (remembered.Answers) return true;
        foreach (var last in difference)
            if (execution.Answers(state, last)) return true;
        return false;
    }

    bool AnswersFromRows(ProgramExecution.State state)
    {
        if (!answersFromRows.TryGetValue(state.Rows1, out bool answers))
            answersFromRows[state.Rows1] = answers = answering.Any(m => m.Operation != Operation.Difference && execution.Answers(state, m));
        return answers;
    }
}
