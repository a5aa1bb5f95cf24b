namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Which file bands (1-based) feed the model's channels, in channel order: a Landsat scene with
/// <c>3,4,2</c> and a CBERS scene with <c>1,2,3</c> both give (red, NIR, green).
/// </summary>
public sealed record BandMap
{
    public BandMap(IReadOnlyList<int> bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        if (bands.Count == 0)
        {
            throw new ArgumentException("A band map needs at least one band, for example 3,4,2.", nameof(bands));
        }

        foreach (int b in bands)
        {
            if (b < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(bands), b, $"Band numbers start at 1; got {b} in {string.Join(',', bands)}.");
            }
        }

        Bands = bands.ToArray();
    }

    /// <summary>The file band numbers (1-based), in channel order.</summary>
    public IReadOnlyList<int> Bands { get; }

    /// <summary>Number of channels.</summary>
    public int Count => Bands.Count;

    /// <summary>Parses "3,4,2".</summary>
    public static BandMap Parse(string text)
    {
        var bands = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, out int b))
            {
                throw new FormatException($"'{text}' is not a band list: write band numbers separated by commas, for example 3,4,2.");
            }

            bands.Add(b);
        }

        return new BandMap(bands);
    }

    /// <summary>Every band of a raster with <paramref name="bandCount"/> bands, in file order.</summary>
    public static BandMap All(int bandCount) => new(Enumerable.Range(1, bandCount).ToArray());

    /// <summary>Throws when a band is missing from a raster with <paramref name="bandCount"/> bands.</summary>
    public void CheckAgainst(int bandCount, string path)
    {
        int missing = Bands.FirstOrDefault(b => b > bandCount);
        if (missing != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bandCount), missing,
                $"Band {missing} of the band map {this} does not exist in '{path}', which has {bandCount} band(s). Fix the band list.");
        }
    }

    public bool Equals(BandMap? other) => other is not null && Bands.SequenceEqual(other.Bands);

    public override int GetHashCode() => Bands.Aggregate(17, (h, b) => h * 31 + b);

    public override string ToString() => string.Join(',', Bands);
}
