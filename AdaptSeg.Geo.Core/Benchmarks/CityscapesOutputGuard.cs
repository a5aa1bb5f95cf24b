using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// Refuses an evaluation whose outputs would replace one of its inputs. The prediction PNGs are
/// named after the images (<c>x_leftImg8bit.png</c>, as the reference names them), so an output
/// folder that is an image folder of the dataset (or reaches one through a link) would overwrite
/// the user's Cityscapes images; <c>iou.txt</c>/<c>iou.json</c> could be an input too.
/// </summary>
public static class CityscapesOutputGuard
{
    /// <summary>Throws <see cref="UnsafePathException"/> naming the first output that is an input (by device and inode, after links).</summary>
    public static void Check(CityscapesDataset dataset, string outputDirectory, IEnumerable<(string Option, string Path)> otherInputs)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(otherInputs);
        OutputGuard.ThrowIfNotUtf8("CityscapesEvaluationOptions.OutputDirectory", outputDirectory);
        if (!Directory.Exists(outputDirectory))
        {
            return; // a new folder holds no input
        }

        var inputs = new Dictionary<(ulong, ulong), string>();
        void Add(string what, string path)
        {
            if (FileIdentity.Of(path) is { } id)
            {
                inputs.TryAdd((id.Device, id.Inode), $"{what} '{path}'");
            }
        }

        for (int i = 0; i < dataset.Count; i++)
        {
            Add("the image", dataset.ImagePath(i));
            if (dataset.HasLabels)
            {
                Add("the label", dataset.LabelPath(i));
            }
        }

        foreach (var (option, path) in otherInputs)
        {
            Add(option, path);
        }

        IEnumerable<string> outputs = dataset.Names
            .SelectMany(name => { var (ids, colour) = PredictionPngWriter.FileNames(name); return new[] { ids, colour }; })
            .Concat(["iou.txt", "iou.json"])
            .Select(file => Path.Combine(outputDirectory, file));
        foreach (string output in outputs)
        {
            if (FileIdentity.Of(output) is { } id && inputs.TryGetValue((id.Device, id.Inode), out string? input))
            {
                throw new UnsafePathException(
                    $"CityscapesEvaluationOptions.OutputDirectory '{outputDirectory}' would replace {input} with '{output}': an output never replaces an input. Give it a folder of its own (for example predictions/).",
                    output);
            }
        }
    }
}
