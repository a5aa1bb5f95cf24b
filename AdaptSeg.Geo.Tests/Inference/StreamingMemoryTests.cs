using Xunit.Abstractions;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

/// <summary>In the serial collection: it measures the process's resident memory, so nothing else may run meanwhile.</summary>
[Collection(GdalSerialCollection.Name)]
public sealed class StreamingMemoryTests(ITestOutputHelper output)
{
    private const int Size = 20_000;
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// The stated bound, a fixed number that does not follow the implementation: resident memory may
    /// grow during the prediction of a 20000 x 20000 raster by at most 560 MiB. What streaming needs is
    /// a 512-row accumulator one raster wide plus a few tile batches (about 160 MiB), GDAL's block
    /// cache (GDAL_CACHEMAX, 256 MiB) and the runtime's own growth; an implementation that held the
    /// uint8 mask (381 MiB) on top of that, or a whole-raster float accumulator (4.5 GiB), fails.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Run_20000x20000SparseRaster_PeakMemoryGrowthStaysUnderBound()
    {
        using var temp = new TempDirectory();
        string inputPath = temp.File("sparse.tif");
        // A sparse GeoTIFF: unwritten blocks cost no disk and read as 0; a few written blocks of 1s.
        using (var sparse = GdalDataset.Create("GTiff", inputPath, Size, Size, 1, RasterDataType.Byte, ["TILED=YES", "SPARSE_OK=TRUE", "BIGTIFF=YES"]))
        {
            sparse.SetGeoTransform(new GeoTransform(500000, 10, 0, 9000000, 0, -10));
            var ones = new byte[256 * 256];
            Array.Fill(ones, (byte)1);
            foreach (int k in new[] { 0, 31, 40, 77 })
            {
                sparse.Write<byte>(1, new PixelWindow(k * 256, k * 256, 256, 256), ones);
            }
        }

        using var input = GdalDataset.Open(inputPath);
        var predictor = new OneHotBandPredictor(2);
        var stitcher = new SlidingWindowPredictor(input, [1], predictor, new StitchOptions { TileSize = 512, Overlap = 64, BatchSize = 4 });
        const long bound = 560 * MiB;
        string maskPath = temp.File("mask.tif");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = ResidentBytes();
        long peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ResidentBytes());
                Thread.Sleep(10);
            }
        }) { IsBackground = true };
        sampler.Start();
        using (var mask = ClassMaskWriter.Create(maskPath, input, ClassLegend.FromNames(["zero", "one"])))
        {
            stitcher.Run(mask);
            mask.Commit();
        }

        stop.Cancel();
        sampler.Join();
        long growth = peak - baseline;
        output.WriteLine($"baseline {baseline / MiB} MiB, peak {peak / MiB} MiB, growth {growth / MiB} MiB, bound {bound / MiB} MiB (stitcher buffers {stitcher.WorkingBytes / MiB} MiB), {stitcher.TileCount} tiles");

        Assert.True(growth < bound, $"resident memory grew by {growth / MiB} MiB; the bound is {bound / MiB} MiB");
        using var written = GdalDataset.Open(maskPath);
        var window = new byte[300 * 300];
        written.Read<byte>(1, new PixelWindow(40 * 256 - 22, 40 * 256 - 22, 300, 300), window);
        Assert.Equal(256 * 256, window.Count(v => v == 1));
        Assert.Equal(300 * 300 - 256 * 256, window.Count(v => v == 0));
    }

    /// <summary>The process's resident set size from /proc (Linux), else the working set.</summary>
    private static long ResidentBytes()
    {
        try
        {
            string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1]) * Environment.SystemPageSize;
        }
        catch (IOException)
        {
            return System.Diagnostics.Process.GetCurrentProcess().WorkingSet64;
        }
    }
}
