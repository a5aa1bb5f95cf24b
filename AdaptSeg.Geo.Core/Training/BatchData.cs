namespace AdaptSeg.Geo.Training;

/// <summary>
/// One iteration's data on the host, before it becomes tensors: source images and labels, target
/// images, channels-first float32 [batch, bands, height, width] (labels [batch, height, width],
/// 255 = ignore). Plain arrays so that loader threads never touch torch.
/// </summary>
public sealed record BatchData(
    int Batch, int Bands,
    int SourceHeight, int SourceWidth, float[] SourceImages, byte[] SourceLabels,
    int TargetHeight, int TargetWidth, float[] TargetImages)
{
    /// <summary>Checks that the arrays match the shapes.</summary>
    public void Validate()
    {
        long source = (long)Batch * Bands * SourceHeight * SourceWidth;
        long target = (long)Batch * Bands * TargetHeight * TargetWidth;
        if (SourceImages.Length != source || SourceLabels.Length != (long)Batch * SourceHeight * SourceWidth || TargetImages.Length != target)
        {
            throw new ArgumentException($"Batch arrays do not match the shapes batch={Batch} bands={Bands} source={SourceHeight}x{SourceWidth} target={TargetHeight}x{TargetWidth}.");
        }
    }
}
