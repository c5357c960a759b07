namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// One depth of <see cref="ProgramSearch"/>: the states that prefixes of that many moves leave, in the order first
/// reached, each with its cheapest few prefixes (by cost, the earlier reached first among equals). A prefix is its last
/// move and the prefix it extends in the layer before, so no prefix is copied.
/// </summary>
sealed class SearchLayer
{
    /// <summary>A prefix: the index of the one it extends in the layer before (−1 for none), its last move's index, its cost.</summary>
    public readonly record struct Prefix(int Parent, int Move, int Cost);

    readonly Dictionary<ProgramExecution.State, int> index = [];
    readonly List<ProgramExecution.State> states = [];
    readonly List<int> counts = [];
    Prefix[] prefixes = [];
    int limit;

    /// <summary>
    /// Empties the layer, keeping its storage: a layer of 10 columns holds thousands of states, and allocating them
    /// afresh for every search (on the large-object heap) took half the time of the 10-column memory.
    /// </summary>
    public SearchLayer Clear(int limit)
    {
        this.limit = limit;
        index.Clear();
        states.Clear();
        counts.Clear();
        return this;
    }

    /// <summary>Empties the layer and puts the empty prefix in it.</summary>
    public SearchLayer Start(ProgramExecution.State initial, int limit)
    {
        Clear(limit);
        Keep(Reach(initial), new Prefix(-1, -1, 0));
        return this;
    }

    public int Count => states.Count;
    public ProgramExecution.State this[int state] => states[state];
    public int PrefixCount(int state) => counts[state];
    /// <summary>The index of a state's k-th prefix, as the layer after names its parent.</summary>
    public int PrefixIndex(int state, int k) => state * limit + k;
    public Prefix PrefixAt(int index) => prefixes[index];

    /// <summary>The state's index, added when it is new.</summary>
    public int Reach(ProgramExecution.State state)
    {
        if (index.TryGetValue(state, out int at)) return at;
        at = states.Count;
        index.Add(state, at);
        states.Add(state);
        counts.Add(0);
        if (prefixes.Length < states.Count * limit) Array.Resize(ref prefixes, Math.Max(2 * prefixes.Length, 64 * limit));
        return at;
    }

    /// <summary>Whether the state keeps <c>limit</c> prefixes already, none dearer than <paramref name="cost"/>.</summary>
    public bool Full(int state, int cost) => counts[state] == limit && prefixes[state * limit + limit - 1].Cost <= cost;

    /// <summary>Inserts by cost after the prefixes of equal cost, keeping at most <c>limit</c>.</summary>
    public void Keep(int state, Prefix prefix)
    {
        if (Full(state, prefix.Cost)) return;
        int first = state * limit, at = first + counts[state];
        if (counts[state] < limit) counts[state]++;
        else at--; // the dearest, last, falls out
        for (; at > first && prefixes[at - 1].Cost > prefix.Cost; at--) prefixes[at] = prefixes[at - 1];
        prefixes[at] = prefix;
    }
}
