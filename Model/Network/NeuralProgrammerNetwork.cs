using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// Neural Programmer (Neelakantan, Le, Sutskever, ICLR 2016; docs/model.md 1.2–1.4) over a whole minibatch at once.
/// Parameters, in the order of <see cref="ParameterVector"/> (own parameters first, then submodules in declaration
/// order): operation_embeddings [O, d] (U), word_embeddings.weight [vocabulary, d] (V),
/// question_rnn.W_question.weight [d, 2d] (+ W_question_backward, W_bidirectional when bidirectional),
/// selector.W_op.weight [d, 2d], selector.W_col.weight [d, 2d], history_rnn.W_history.weight [d, 3d],
/// question_attention.W_attention.weight [d, 2d] (when enabled).
/// </summary>
public sealed class NeuralProgrammerNetwork : nn.Module<EncodedBatch, Selection, NetworkOutput>
{
    private readonly Embedding word_embeddings;
    private readonly Parameter operation_embeddings;
    private readonly QuestionRnn question_rnn;
    private readonly Selector selector;
    private readonly HistoryRnn history_rnn;
    private readonly QuestionAttention? question_attention;

    public HyperParameters HyperParameters { get; }
    public Combination Combination { get; }
    public IReadOnlyList<Operation> Operations => Combination.Operations;
    public int VocabularySize { get; }

    public NeuralProgrammerNetwork(int vocabularySize, IReadOnlyList<Operation> operations, HyperParameters hyperParameters, long seed)
        : base("neural_programmer")
    {
        HyperParameters = hyperParameters.EnsureValid();
        NativeHeap.KeepFreedMemory();
        Combination = new Combination(operations);
        VocabularySize = vocabularySize;
        int d = hyperParameters.Dimension;
        word_embeddings = nn.Embedding(vocabularySize, d);
        operation_embeddings = new Parameter(empty(operations.Count, d));
        question_rnn = new QuestionRnn(d, hyperParameters.BidirectionalQuestion);
        selector = new Selector(d);
        history_rnn = new HistoryRnn(d);
        if (hyperParameters.QuestionAttention) question_attention = new QuestionAttention(d);
        RegisterComponents();

        // Uniform in [−s, s] for every parameter (docs/model.md 1.2), drawn in registration order from one seeded generator.
        using var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var parameter in parameters())
            parameter.uniform_(-hyperParameters.InitScale, hyperParameters.InitScale, generator); // nn.init.uniform_ ignores the generator
    }

    public override NetworkOutput forward(EncodedBatch batch, Selection selection)
    {
        using var scope = NewDisposeScope();
        return forward(batch, selection, Encode(batch)).MoveToOuterDisposeScope();
    }

    /// <summary>The forward pass on a batch whose question encoding is given (shared with <see cref="ProgramLogLikelihood"/>).</summary>
    public NetworkOutput forward(EncodedBatch batch, Selection selection, QuestionEncoding encoding)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (batch.Size, HyperParameters.Steps);
        var hard = selection.Hard;
        var temperature = hard ? 1.0 : selection.Temperature;

        var (question, wordStates, numberStates, columns) = encoding;
        var u = operation_embeddings;

        var greaterBeta = Pivot.Attention(numberStates, u[Combination.OperationIndex(Operation.Greater)], batch.NumberMask, hard);
        var lesserBeta = Pivot.Attention(numberStates, u[Combination.OperationIndex(Operation.Lesser)], batch.NumberMask, hard);
        var numericCells = batch.NumericColumns.unsqueeze(1);
        // With one-hot β (argmax) the expected comparison Σ_k β(k)·1[cell > qn_k] is exactly 1[cell > the chosen qn]:
        // the paper's form, one comparison per cell instead of one per cell and number.
        var comparison = hard ? ComparisonMode.Paper : HyperParameters.Comparison;
        var greater = Pivot.Compare(batch.Table, batch.Numbers, greaterBeta, true, comparison) * numericCells;
        var lesser = Pivot.Compare(batch.Table, batch.Numbers, lesserBeta, false, comparison) * numericCells;
        Tensor? textMatch = Combination.OperationIndex(Operation.TextMatch) >= 0
            ? TextMatch.Match(word_embeddings.forward(batch.TextCells), question, columns, wordStates, batch.WordMask, batch.RowMask, batch.TextColumns, hard, hard ? 1 : selection.TextMatchTemperature)
            : null;

        var zero = zeros(b, dtype: batch.Table.dtype, device: batch.Table.device);
        var (scalar1, scalar2, scalar3) = (zero, zero, zero);
        var (rowSelect1, rowSelect2) = (batch.RowMask, batch.RowMask);
        Tensor? lookup = null;
        Tensor? history = null; // h_1 = 0 (HistoryRnn)
        var operationShare = history_rnn.OperationShare(u);
        var operationWeights = new Tensor[t];
        var columnWeights = new Tensor[t];
        var columnPadding = batch.ColumnMask.logical_not();
        var select = Select(question, wordStates, batch.WordMask);
        var comparisons = Combination.ColumnComparisons(greater, lesser, textMatch, batch.RowMask);

        for (int step = 0; step < t; step++)
        {
            if (step > 0)
                history = history_rnn.Next(operationWeights[step - 1].matmul(operationShare),
                                           columnWeights[step - 1].unsqueeze(1).matmul(columns).squeeze(1), history);
            var (operationLogits, columnLogits) = select(history, columns, null);
            columnLogits = columnLogits.masked_fill(columnPadding, Scalars.NegativeInfinity);
            var alphaOperation = hard ? Pivot.OneHotArgmax(operationLogits) : Softmax(operationLogits, temperature);
            var alphaColumn = hard ? Pivot.OneHotArgmax(columnLogits) : Softmax(columnLogits, temperature);

            var scalar = Combination.ScalarAnswer(alphaOperation, alphaColumn, batch.Table, rowSelect1, scalar1, scalar3);
            if (step == t - 1) lookup = Combination.LookupAnswer(alphaOperation, alphaColumn, rowSelect1); // only lookup_answer_T is read
            var rowSelect = Combination.RowSelect(alphaOperation, alphaColumn, rowSelect1, rowSelect2, batch.RowMask, comparisons);

            (scalar3, scalar2, scalar1) = (scalar2, scalar1, scalar);
            (rowSelect2, rowSelect1) = (rowSelect1, rowSelect);
            operationWeights[step] = alphaOperation;
            columnWeights[step] = alphaColumn;
        }

        var output = new NetworkOutput
        {
            ScalarAnswer = scalar1,
            LookupAnswer = lookup!,
            OperationWeights = stack(operationWeights, 1),
            ColumnWeights = stack(columnWeights, 1),
            GreaterPivot = Pivot.Value(greaterBeta, batch.Numbers),
            LesserPivot = Pivot.Value(lesserBeta, batch.Numbers),
        };
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log π(p) of given hard programs, teacher-forced (the program memory's loss, docs/model.md 1.8b): over the steps,
    /// log α_op of the program's operation, log α_col of its column where the operation takes one, plus log β of each
    /// pivot in use. The history RNN is fed the program's moves, with the argmax column where the operation takes none,
    /// as at inference (1.6). Temperature 1: the likelihood is that of the model argmax inference reads. [B, K], −∞ in
    /// empty slots, which are not computed.
    /// </summary>
    public Tensor ProgramLogLikelihood(EncodedBatch batch, ProgramTargets programs) => ProgramLogLikelihood(batch, programs, null);

    /// <summary>The same with the batch's question encoding given: a training step encodes the questions once for the soft pass and this one.</summary>
    public Tensor ProgramLogLikelihood(EncodedBatch batch, ProgramTargets programs, QuestionEncoding? encoding)
    {
        using var scope = NewDisposeScope();
        long b = batch.Size, k = programs.SlotsPerExample, t = programs.Operations.shape[1], d = HyperParameters.Dimension;
        var (question, wordStates, numberStates, columns) = encoding ?? Encode(batch);
        var u = operation_embeddings;

        // log β of the greater and lesser pivots, [B, 2, N], picked per slot, [S, 2].
        var pivotLog = stack([Pivot.Logits(numberStates, u[Combination.OperationIndex(Operation.Greater)], batch.NumberMask),
                              Pivot.Logits(numberStates, u[Combination.OperationIndex(Operation.Lesser)], batch.NumberMask)], 1).log_softmax(2);
        var pivotPicked = pivotLog.index_select(0, programs.SlotExamples).gather(2, programs.Pivots.clamp_min(Scalars.Zero).unsqueeze(2)).squeeze(2);
        var total = where(programs.Pivots >= Scalars.Zero, pivotPicked, zeros_like(pivotPicked)).sum(1);

        // One row per distinct prefix (ProgramTargets): h_t, then the selector's logits, then each slot's move at t.
        // h_t's three shares are computed where they are fewest: W_op U per operation, W_col P per (example, column),
        // W_h h per row of the step before (its rows continue into several rows each), then gathered per row.
        var select = Select(question, wordStates, batch.WordMask);
        var operationShare = history_rnn.OperationShare(u);
        var columnShare = history_rnn.ColumnShare(columns).view(-1, d);   // [B·C, d]
        long c = columns.shape[1];
        Tensor? history = null, historyShare = null, previousColumnLogits = null; // h_1 = 0 (HistoryRnn)
        for (int step = 0; step < t; step++)
        {
            var examples = programs.RowExamples[step];
            var rowColumns = columns.index_select(0, examples);
            if (step > 0)
            {
                var parents = programs.RowParents[step];
                var moveColumns = programs.RowColumns[step];
                // Where the move takes no column, the history is fed the argmax column, as at inference.
                var column = where(moveColumns >= Scalars.Zero, moveColumns, previousColumnLogits!.index_select(0, parents).argmax(1));
                history = HistoryRnn.Combine(operationShare.index_select(0, programs.RowOperations[step]),
                                             columnShare.index_select(0, examples * c + column),
                                             historyShare?.index_select(0, parents));
            }
            if (step < t - 1 && history is not null) historyShare = history_rnn.HistoryShare(history);
            var (operationLogits, columnLogits) = select(history, rowColumns, examples);
            columnLogits = columnLogits.masked_fill(batch.ColumnMask.index_select(0, examples).logical_not(), Scalars.NegativeInfinity);

            var rows = programs.SlotRows[step];
            var operation = programs.Operations[.., step];
            var slotColumn = programs.Columns[.., step];
            var columnLog = columnLogits.log_softmax(1).index_select(0, rows).gather(1, slotColumn.clamp_min(Scalars.Zero).unsqueeze(1)).squeeze(1);
            total = total + operationLogits.log_softmax(1).index_select(0, rows).gather(1, operation.unsqueeze(1)).squeeze(1)
                          + where(slotColumn >= Scalars.Zero, columnLog, zeros_like(columnLog));
            previousColumnLogits = columnLogits;
        }
        return full(b * k, Scalars.NegativeInfinity, dtype: total.dtype, device: total.device)
            .index_copy(0, programs.Slots, total).view(b, k).MoveToOuterDisposeScope();
    }

    /// <summary>q [B, d], the question states z_1..z_Q [B, Q, d], Z [B, N, d] and P [B, C, d], in the caller's dispose scope.</summary>
    public QuestionEncoding Encode(EncodedBatch batch)
    {
        var (question, states) = question_rnn.forward(word_embeddings.weight!, batch.Words, batch.WordMask);
        var numberStates = states.gather(1, batch.NumberPositions.unsqueeze(2).expand(-1, -1, states.shape[2]));
        return new QuestionEncoding(question, states[.., 1..], numberStates, word_embeddings.forward(batch.ColumnNames));
    }

    /// <summary>
    /// The selector's logits as a function of h_t, the rows' columns and the question of each row (see
    /// <see cref="Selector.ForQuestion"/>): with question attention when enabled, else with q's share precomputed.
    /// </summary>
    Func<Tensor?, Tensor, Tensor?, (Tensor Operation, Tensor Column)> Select(Tensor question, Tensor wordStates, Tensor wordMask)
    {
        if (question_attention is null) return selector.ForQuestion(question, operation_embeddings);
        var select = selector.ForAttendedQuestion(operation_embeddings);
        return (history, columns, rows) =>
        {
            var (q, states, mask) = rows is null ? (question, wordStates, wordMask)
                : (question.index_select(0, rows), wordStates.index_select(0, rows), wordMask.index_select(0, rows));
            history ??= zeros_like(q);
            return select(question_attention.forward(q, states, mask, history), history, columns);
        };
    }

    static Tensor Softmax(Tensor logits, double temperature)
    {
        if (temperature == 1) return logits.softmax(1);
        using var scale = temperature.ToScalar();
        return (logits / scale).softmax(1);
    }
}

/// <summary>What the question RNN and the embeddings give a batch: q [B, d], z_1..z_Q [B, Q, d], Z [B, N, d], P [B, C, d].</summary>
public readonly record struct QuestionEncoding(Tensor Question, Tensor WordStates, Tensor NumberStates, Tensor Columns);
