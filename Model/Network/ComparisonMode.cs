namespace NeuralProgrammer.Model.Network;

/// <summary>
/// How greater/lesser compare the table with the pivot (docs/model.md 1.2, ours). <see cref="Paper"/>: 1[table &gt; Σ_k β(k) qn_k],
/// which gives β no gradient. <see cref="Expected"/>: Σ_k β(k)·1[table &gt; qn_k], identical when β is one-hot (inference).
/// </summary>
public enum ComparisonMode { Expected, Paper }
