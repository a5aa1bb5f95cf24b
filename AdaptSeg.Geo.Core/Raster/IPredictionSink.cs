namespace AdaptSeg.Geo.Raster;

/// <summary>Receives finished rows from the stitcher, top to bottom, each row exactly once.</summary>
public interface IPredictionSink
{
    /// <summary>
    /// Takes rows <c>firstRow .. firstRow + rowCount - 1</c>. <paramref name="classes"/> is
    /// <c>rowCount x width</c> class indices (255 = nodata); <paramref name="probabilities"/> is
    /// <c>rowCount x classes x width</c> (row, then class, then column), the blended probabilities
    /// (weighted sum divided by the weight sum); they are meaningless where the class is 255.
    /// </summary>
    void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> classes, ReadOnlySpan<float> probabilities);
}
