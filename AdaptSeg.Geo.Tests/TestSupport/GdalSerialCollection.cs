using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// Tests that drive GDAL from several threads (the stitcher's reader thread, GDAL's own workers)
/// run in this collection, after the parallel ones and one at a time: GDAL errors raised on
/// worker threads are kept process-wide by <c>Gdal</c>, and concurrent tests would clear or take
/// each other's messages (seen as a flaky <c>GdalDatasetTests.Open_TruncatedTiff_*</c>). It also
/// keeps the memory measurement of <see cref="StreamingMemoryTests"/> free of other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GdalSerialCollection
{
    public const string Name = "GDAL, serial";
}
