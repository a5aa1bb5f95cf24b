using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AdaptSeg.Geo.Evaluation;

/// <summary>
/// The result of comparing a predicted class mask with a reference: the confusion matrix (rows
/// reference, columns prediction), per-class IoU, precision, recall and F1, pixel accuracy and
/// mIoU (nanmean of the per-class IoU, as the reference <c>compute_iou.py</c>). Reference pixels
/// with the ignore value are not counted.
/// </summary>
public sealed class EvaluationReport
{
    /// <summary>Builds the report of a filled matrix.</summary>
    public EvaluationReport(ConfusionMatrix matrix, IReadOnlyList<string> classNames, string predictionPath, string referencePath, bool referenceReprojected, long ignoredPixels)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != matrix.ClassCount)
        {
            throw new ArgumentException($"{classNames.Count} class names for a {matrix.ClassCount}-class matrix.", nameof(classNames));
        }

        Matrix = matrix;
        PredictionPath = predictionPath;
        ReferencePath = referencePath;
        ReferenceReprojected = referenceReprojected;
        IgnoredPixels = ignoredPixels;
        double[] iou = matrix.IoU();
        double[] precision = matrix.Precision();
        double[] recall = matrix.Recall();
        double[] f1 = matrix.F1();
        Classes = [.. Enumerable.Range(0, matrix.ClassCount).Select(c =>
            new ClassScores(c, classNames[c], iou[c], precision[c], recall[c], f1[c], matrix.ReferenceCount(c), matrix.PredictedCount(c)))];
    }

    /// <summary>The confusion matrix.</summary>
    public ConfusionMatrix Matrix { get; }

    /// <summary>Per-class scores.</summary>
    public IReadOnlyList<ClassScores> Classes { get; }

    /// <summary>Share of counted pixels predicted right (0..1).</summary>
    public double PixelAccuracy => Matrix.PixelAccuracy();

    /// <summary>Mean IoU over the classes whose IoU is defined (0..1).</summary>
    public double MeanIoU => Matrix.MeanIoU();

    /// <summary>The prediction compared.</summary>
    public string PredictionPath { get; }

    /// <summary>The reference compared.</summary>
    public string ReferencePath { get; }

    /// <summary>Whether the reference was reprojected (nearest) onto the prediction's grid.</summary>
    public bool ReferenceReprojected { get; }

    /// <summary>Reference pixels holding the ignore value (or outside the reference).</summary>
    public long IgnoredPixels { get; }

    /// <summary>The report as JSON; scores are percentages (0..100), undefined ones null.</summary>
    public string ToJson()
    {
        int n = Matrix.ClassCount;
        var matrix = new JsonArray();
        for (int r = 0; r < n; r++)
        {
            matrix.Add(new JsonArray([.. Enumerable.Range(0, n).Select(p => JsonValue.Create(Matrix[r, p]))]));
        }

        var root = new JsonObject
        {
            ["prediction"] = PredictionPath,
            ["reference"] = ReferencePath,
            ["reference_reprojected"] = ReferenceReprojected,
            ["miou_percent"] = Percent(MeanIoU),
            ["pixel_accuracy_percent"] = Percent(PixelAccuracy),
            ["counted_pixels"] = Matrix.Total,
            ["ignored_pixels"] = IgnoredPixels,
            ["unpredicted_pixels"] = Matrix.UnpredictedPixels,
            ["classes"] = new JsonArray([.. Classes.Select(c => (JsonNode)new JsonObject
            {
                ["value"] = c.Value,
                ["name"] = c.Name,
                ["iou_percent"] = Percent(c.IoU),
                ["precision_percent"] = Percent(c.Precision),
                ["recall_percent"] = Percent(c.Recall),
                ["f1_percent"] = Percent(c.F1),
                ["reference_pixels"] = c.ReferencePixels,
                ["predicted_pixels"] = c.PredictedPixels,
            })]),
            ["confusion_matrix"] = new JsonObject
            {
                ["rows"] = "reference",
                ["columns"] = "prediction",
                ["counts"] = matrix,
            },
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>A readable table: per-class scores, the summary and the confusion matrix.</summary>
    public string ToTable()
    {
        var s = new StringBuilder();
        int nameWidth = Math.Max(10, Classes.Max(c => c.Name.Length));
        s.AppendLine(CultureInfo.InvariantCulture, $"{"class".PadRight(nameWidth)}  {"IoU",7}  {"prec",7}  {"recall",7}  {"F1",7}  {"ref px",12}  {"pred px",12}");
        foreach (ClassScores c in Classes)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"{c.Name.PadRight(nameWidth)}  {Cell(c.IoU),7}  {Cell(c.Precision),7}  {Cell(c.Recall),7}  {Cell(c.F1),7}  {c.ReferencePixels,12}  {c.PredictedPixels,12}");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"mIoU {Cell(MeanIoU)}   pixel accuracy {Cell(PixelAccuracy)}   (percent; counted {Matrix.Total} px, ignored {IgnoredPixels}, unpredicted {Matrix.UnpredictedPixels})");
        s.AppendLine("confusion matrix (rows reference, columns prediction):");
        s.AppendLine(CultureInfo.InvariantCulture, $"{"".PadRight(nameWidth)}  {string.Join("  ", Classes.Select(c => Truncate(c.Name, 12).PadLeft(12)))}");
        for (int r = 0; r < Matrix.ClassCount; r++)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"{Classes[r].Name.PadRight(nameWidth)}  {string.Join("  ", Enumerable.Range(0, Matrix.ClassCount).Select(p => Matrix[r, p].ToString(CultureInfo.InvariantCulture).PadLeft(12)))}");
        }

        return s.ToString();
    }

    private static double? Percent(double fraction) => double.IsNaN(fraction) ? null : Math.Round(fraction * 100, 4);

    private static string Cell(double fraction) => double.IsNaN(fraction) ? "n/a" : (fraction * 100).ToString("F2", CultureInfo.InvariantCulture);

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n];
}
