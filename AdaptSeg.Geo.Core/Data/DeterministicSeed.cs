namespace AdaptSeg.Geo.Data;

/// <summary>
/// Seeds derived from several integers, the same in every process (unlike <see cref="HashCode"/>,
/// which is randomised per process): a resumed run in a new process must draw the same batches.
/// </summary>
public static class DeterministicSeed
{
    /// <summary>A non-negative seed mixing all <paramref name="parts"/> (SplitMix64 finaliser).</summary>
    public static int Derive(params ReadOnlySpan<int> parts)
    {
        ulong state = 0x9E3779B97F4A7C15;
        foreach (int part in parts)
        {
            state = Mix(state ^ (uint)part);
        }

        return (int)(state & int.MaxValue);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
