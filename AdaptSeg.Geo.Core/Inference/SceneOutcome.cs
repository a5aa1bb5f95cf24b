namespace AdaptSeg.Geo.Inference;

/// <summary>What happened to one scene of a <see cref="SceneListPrediction"/>.</summary>
/// <param name="Index">The scene's position in the whole list (0-based).</param>
/// <param name="Count">Scenes in the whole list.</param>
/// <param name="Input">The scene.</param>
/// <param name="MaskPath">Its mask.</param>
/// <param name="Status">"predicted", "skipped" (mask exists, --skip-existing) or "failed".</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="Summary">The prediction's summary when predicted.</param>
public sealed record SceneOutcome(int Index, int Count, string Input, string MaskPath, string Status, string? Error, PredictionSummary? Summary);
