namespace AdaptSeg.Geo.Evaluation;

/// <summary>Rows of the prediction grid compared so far.</summary>
public sealed record EvaluationProgress(int RowsDone, int Height);
