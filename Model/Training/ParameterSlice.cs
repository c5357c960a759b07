namespace NeuralProgrammer.Model.Training;

/// <summary>
/// The contiguous range of the flat parameter vector (<see cref="ParameterVector"/> order) that parameter-server shard
/// s of S owns (docs/architecture.md 2.2): [⌊sN/S⌋, ⌊(s+1)N/S⌋), cut as a minibatch is cut among workers, so the
/// slices differ by at most one value.
/// </summary>
public readonly record struct ParameterSlice(long Offset, long Count)
{
    public long End => Offset + Count;

    public static ParameterSlice Whole(long parameters) => new(0, parameters);

    public static ParameterSlice Of(int shard, int shards, long parameters)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards), shards, "A parameter vector needs at least one shard.");
        if (shard < 0 || shard >= shards) throw new ArgumentOutOfRangeException(nameof(shard), shard, $"Shard {shard} is not one of 0..{shards - 1}.");
        long start = shard * parameters / shards, end = (shard + 1) * parameters / shards;
        return new(start, end - start);
    }

    /// <summary>The bytes of this slice within a packed vector of <paramref name="bytesPerValue"/>-byte values.</summary>
    public ReadOnlySpan<byte> Of(byte[] packed, int bytesPerValue) => packed.AsSpan(checked((int)(Offset * bytesPerValue)), checked((int)(Count * bytesPerValue)));

    public override string ToString() => $"[{Offset:N0}, {End:N0})";
}
