using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdaptSeg.Geo.Evaluation;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// The outcome of a benchmark evaluation (Cityscapes, LoveDA): the one confusion matrix over all images,
/// IoU per class (<c>diag / (row + col - diag)</c>, NaN for a class absent from labels and predictions)
/// and mIoU (numpy's nanmean), as the reference <c>compute_iou.py</c> and LoveDA's <c>PixelMetric</c> compute them.
/// </summary>
public sealed class BenchmarkEvaluationResult
{
    /// <summary>Wraps a finished matrix.</summary>
    /// <param name="labelKey">What the JSON calls a class's label value (Cityscapes: trainId; LoveDA: label, the mask value - 1).</param>
    public BenchmarkEvaluationResult(ConfusionMatrix matrix, IReadOnlyList<string> classNames, int imageCount, string labelKey = "trainId")
    {
        if (classNames.Count != matrix.ClassCount)
        {
            throw new ArgumentException($"{classNames.Count} class names for a {matrix.ClassCount}-class matrix.", nameof(classNames));
        }

        Matrix = matrix;
        ClassNames = classNames;
        ImageCount = imageCount;
        LabelKey = labelKey;
        IoU = matrix.IoU();
        MeanIoU = ConfusionMatrix.NanMean(IoU);
    }

    /// <summary>Rows reference trainId, columns predicted trainId, over all images.</summary>
    public ConfusionMatrix Matrix { get; }

    /// <summary>Class names in trainId order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>What the JSON calls a class's label value.</summary>
    public string LabelKey { get; }

    /// <summary>Images scored.</summary>
    public int ImageCount { get; }

    /// <summary>IoU per class, 0..1 (NaN when undefined).</summary>
    public double[] IoU { get; }

    /// <summary>Mean of the defined IoUs, 0..1.</summary>
    public double MeanIoU { get; }

    /// <summary>The per-class table in percent with two decimals, as <c>compute_iou.py</c> prints it.</summary>
    public string FormatTable()
    {
        var text = new StringBuilder();
        int width = Math.Max(10, ClassNames.Max(n => n.Length));
        text.AppendLine(CultureInfo.InvariantCulture, $"{"class".PadRight(width)}  IoU (%)");
        for (int c = 0; c < IoU.Length; c++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{ClassNames[c].PadRight(width)}  {Percent(IoU[c]),7}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{"mIoU".PadRight(width)}  {Percent(MeanIoU),7}");
        text.Append(CultureInfo.InvariantCulture, $"({ImageCount} image{(ImageCount == 1 ? "" : "s")}, {Matrix.Total} scored pixels)");
        return text.ToString();
    }

    /// <summary>The result as JSON: images, mIoU, per-class IoU (percent, null when undefined) and the confusion matrix.</summary>
    public string ToJson()
    {
        var classes = new JsonArray();
        for (int c = 0; c < IoU.Length; c++)
        {
            classes.Add(new JsonObject
            {
                [LabelKey] = c,
                ["name"] = ClassNames[c],
                ["iou"] = Json(IoU[c]),
                ["labelPixels"] = Matrix.ReferenceCount(c),
                ["predictedPixels"] = Matrix.PredictedCount(c),
            });
        }

        var matrix = new JsonArray();
        for (int r = 0; r < Matrix.ClassCount; r++)
        {
            var row = new JsonArray();
            for (int p = 0; p < Matrix.ClassCount; p++)
            {
                row.Add(Matrix[r, p]);
            }

            matrix.Add(row);
        }

        var root = new JsonObject
        {
            ["images"] = ImageCount,
            ["scoredPixels"] = Matrix.Total,
            ["mIoU"] = Json(MeanIoU),
            ["classes"] = classes,
            ["confusionMatrix"] = matrix,
            ["note"] = $"IoU in percent; rows of confusionMatrix are reference {LabelKey}s, columns predicted {LabelKey}s.",
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes <c>iou.txt</c> (the table) and <c>iou.json</c> into <paramref name="directory"/>, each under a temporary name first.</summary>
    public void WriteFiles(string directory)
    {
        Write(Path.Combine(directory, "iou.txt"), FormatTable() + Environment.NewLine);
        Write(Path.Combine(directory, "iou.json"), ToJson() + Environment.NewLine);
    }

    private static void Write(string path, string content) => Runtime.AtomicFile.WriteAllText(path, content);

    private static string Percent(double value) =>
        double.IsNaN(value) ? "nan" : Math.Round(value * 100, 2).ToString("0.00", CultureInfo.InvariantCulture);

    private static JsonNode? Json(double value) => double.IsNaN(value) ? null : JsonValue.Create(value * 100);
}
