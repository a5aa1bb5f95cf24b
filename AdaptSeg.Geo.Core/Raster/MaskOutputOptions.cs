namespace AdaptSeg.Geo.Raster;

/// <summary>How class masks and probability rasters are written.</summary>
public sealed record MaskOutputOptions
{
    /// <summary>GeoTIFF compression: DEFLATE (default) or ZSTD.</summary>
    public string Compression { get; init; } = "DEFLATE";

    /// <summary>Write a Cloud Optimized GeoTIFF (with overviews) instead of a plain tiled GeoTIFF.</summary>
    public bool Cog { get; init; }

    /// <summary>Overview resampling for COG class masks: MODE (default) or NEAREST.</summary>
    public string OverviewResampling { get; init; } = "MODE";

    /// <summary>Throws naming the bad value and the valid ones.</summary>
    public void Validate()
    {
        if (Compression is not ("DEFLATE" or "ZSTD"))
        {
            throw new ArgumentException($"Unknown compression '{Compression}'; use DEFLATE or ZSTD.", nameof(Compression));
        }

        if (OverviewResampling is not ("MODE" or "NEAREST"))
        {
            throw new ArgumentException($"Overviews of class masks must use MODE or NEAREST (got '{OverviewResampling}'); averaging would invent classes.", nameof(OverviewResampling));
        }
    }

    /// <summary>GTiff creation options for a tiled, compressed, BigTIFF-if-needed file.</summary>
    internal IReadOnlyList<string> GTiffOptions =>
        ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", $"COMPRESS={Compression}", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"];

    /// <summary>COG creation options.</summary>
    internal IReadOnlyList<string> CogOptions(string resampling) =>
        ["BLOCKSIZE=512", $"COMPRESS={Compression}", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS", $"OVERVIEW_RESAMPLING={resampling}"];
}
