namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>A checkpoint entry that was deliberately not loaded, and why.</summary>
/// <param name="Key">The model's key (after prefix stripping).</param>
/// <param name="Reason">Why it was skipped, in words.</param>
public sealed record SkippedKey(string Key, string Reason);
