// Predict a raster shard by shard (as the tasks of a cluster job would, one shard each) and join the shards into
// one mask, through the AdaptSeg.Geo library alone. The library's safeguards hold without the command line: no
// output ever replaces an input (not even with --overwrite), and outputs appear only when complete.
// Usage: dotnet run --project samples/LibraryPredictAndMosaic -- <model.pth> <input raster> <output mask.tif> [shards] [--overwrite]
using AdaptSeg.Geo;
using AdaptSeg.Geo.Inference;

string[] positional = [.. args.Where(a => a != "--overwrite")];
bool overwrite = args.Contains("--overwrite");
if (positional.Length < 3)
{
    Console.Error.WriteLine("usage: LibraryPredictAndMosaic <model.pth> <input raster> <output mask.tif> [shards] [--overwrite]");
    return 2;
}

string model = positional[0], input = positional[1], mask = Path.GetFullPath(positional[2]);
int shards = positional.Length > 3 ? int.Parse(positional[3], System.Globalization.CultureInfo.InvariantCulture) : 3;
try
{
    // 1. Each shard (a block of tile rows) is written under the shard's own names next to shards/<mask>.
    string shardsOf = Path.Combine(Path.GetDirectoryName(mask)!, "shards", Path.GetFileName(mask));
    Directory.CreateDirectory(Path.GetDirectoryName(shardsOf)!);
    for (int k = 0; k < shards; k++)
    {
        PredictionSummary shard = RasterPrediction.Run(
            new PredictionRequest { InputPath = input, MaskPath = shardsOf, Shard = new ShardAssignment(k, shards), Stitch = new StitchOptions { TileSize = 128 }, Overwrite = overwrite },
            model, new ModelLoadOptions { Device = "cpu" });
        Console.WriteLine($"shard {k}/{shards} {shard.MaskPath}");
    }

    // 2. The mosaic checks the set (every shard once, same input, grid and classes) and writes one mask.
    MosaicSummary mosaic = ShardMosaic.Run(new MosaicRequest { ShardsOf = shardsOf, OutputPath = mask, Overwrite = overwrite });
    Console.WriteLine($"mosaic {mosaic.MaskPath} ({mosaic.Width}x{mosaic.Height}, {mosaic.Shards} shards)");
    return 0;
}
catch (Exception e) when (e is AdaptSegInputException or IOException or ArgumentException)
{
    // The library's bad-input errors (an output that would replace an input is an UnsafePathException, an IOException).
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
