namespace AdaptSeg.Geo.Data;

/// <summary>
/// One iteration's data on the host, before it becomes tensors: source images and labels, target
/// images, channels-first float32 [batch, bands, height, width] (labels [batch, height, width],
/// 255 = ignore). Plain arrays so that loader threads never touch torch. Target labels are
/// present only for self-training (pseudo-labels on the target domain, 255 = ignore).
/// </summary>
public sealed record BatchData(
    int Batch, int Bands,
    int SourceHeight, int SourceWidth, float[] SourceImages, byte[] SourceLabels,
    int TargetHeight, int TargetWidth, float[] TargetImages, byte[]? TargetLabels = null)
{
    /// <summary>Checks that the arrays match the shapes.</summary>
    public void Validate()
    {
        long source = (long)Batch * Bands * SourceHeight * SourceWidth;
        long target = (long)Batch * Bands * TargetHeight * TargetWidth;
        if (SourceImages.Length != source || SourceLabels.Length != (long)Batch * SourceHeight * SourceWidth || TargetImages.Length != target
            || (TargetLabels is not null && TargetLabels.Length != (long)Batch * TargetHeight * TargetWidth))
        {
            throw new ArgumentException($"Batch arrays do not match the shapes batch={Batch} bands={Bands} source={SourceHeight}x{SourceWidth} target={TargetHeight}x{TargetWidth}.");
        }
    }
}
