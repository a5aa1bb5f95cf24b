using System.IO.Compression;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// Scores a model on a LoveDA split as the official UDA code's <c>eval.py</c> does: each whole image
/// (1024x1024, no resizing, no tiling) normalised with ImageNet's mean and std on 0..255 values, the main
/// head's class scores upsampled bilinearly with <c>align_corners=True</c> to the image size, the argmax;
/// one confusion matrix over the split, 7 classes, no-data (mask 0) ignored; IoU per class and mIoU. For
/// Test, whose masks are hidden, it writes the 0..6 PNGs named after the images, as LoveDA's
/// <c>predict.py</c> does, and their zip for the public evaluation server.
/// </summary>
public static class LoveDaEvaluation
{
    /// <summary>The zip of the Test predictions, in the output folder.</summary>
    public const string SubmissionName = "submission.zip";

    /// <summary>Runs the evaluation; see the type's summary.</summary>
    /// <exception cref="LoveDaDataException">The dataset, model or output folder cannot be used; the message says how to fix it.</exception>
    /// <exception cref="UnsafePathException">An output would replace an input.</exception>
    public static LoveDaEvaluationResult Run(LoveDaEvaluationRequest request, IProgress<LoveDaEvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!File.Exists(request.ModelPath))
        {
            throw new LoveDaDataException($"The model '{request.ModelPath}' does not exist; give the model.pth written by 'adaptseg train' (for example with sample-configs/loveda-rural-to-urban.json).", request.ModelPath);
        }

        bool test = request.Split == LoveDaSplit.Test;
        string? output = request.OutputDirectory is null ? null : Path.GetFullPath(request.OutputDirectory);
        if (test && output is null)
        {
            throw new LoveDaDataException("The Test masks are hidden, so Test is scored by the public evaluation server: give an output folder for the PNGs and their zip.", request.Root);
        }

        var dataset = new LoveDaDataset(request.Root, request.Split, request.Domain, requireMasks: !test);
        CheckOutputs(dataset, request.ModelPath, output, test);

        Device device = TorchRuntime.ResolveDevice(request.Device);
        var (network, description) = ModelPackage.Load(request.ModelPath, device);
        using (network)
        {
            CheckModel(description, request.ModelPath);
            BandStatistics statistics = description.TargetStatistics ?? description.SourceStatistics
                ?? new BandStatistics([.. LoveDaClasses.Mean], [.. LoveDaClasses.Std]);
            network.eval();
            string? predictions = output is null ? null : Path.Combine(output, "predictions");
            if (predictions is not null)
            {
                Directory.CreateDirectory(predictions);
            }

            ConfusionMatrix? matrix = test ? null : new ConfusionMatrix(LoveDaClasses.Count);
            Task<Loaded> next = Task.Run(() => Load(dataset, 0, statistics, !test), cancellationToken);
            for (int i = 0; i < dataset.Count; i++)
            {
                Loaded image = next.GetAwaiter().GetResult();
                if (i + 1 < dataset.Count)
                {
                    int index = i + 1;
                    next = Task.Run(() => Load(dataset, index, statistics, !test), cancellationToken);
                }

                cancellationToken.ThrowIfCancellationRequested();
                byte[] predicted = Predict(network, image, device);
                matrix?.Add(image.Labels!, predicted);
                if (predictions is not null)
                {
                    PredictionPngWriter.WriteGrey(Path.Combine(predictions, dataset.Names[i]), predicted, image.Width, image.Height);
                }

                progress?.Report(new LoveDaEvaluationProgress(i + 1, dataset.Count, matrix?.MeanIoU() ?? double.NaN));
            }

            BenchmarkEvaluationResult? scores = matrix is null ? null : new BenchmarkEvaluationResult(matrix, LoveDaClasses.Names, dataset.Count, "label");
            if (scores is not null && output is not null)
            {
                scores.WriteFiles(output);
            }

            string? zip = null;
            if (test)
            {
                zip = Path.Combine(output!, SubmissionName);
                WriteZip(zip, predictions!, dataset.Names);
            }

            return new LoveDaEvaluationResult(scores, dataset.Count, predictions, zip);
        }
    }

    private static byte[] Predict(DeepLabMulti network, Loaded image, Device device)
    {
        using var noGc = new NoGcRegion(); // TorchSharp's implicit scalars must not be finalised mid-call
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor input = torch.tensor(image.Pixels, [1, 3, image.Height, image.Width], ScalarType.Float32).to(device);
        (Tensor _, Tensor main) = network.call(input);
        // Bilinear upsampling with align_corners=True, then the first maximum over classes, as the Cityscapes
        // evaluation does (the official LoveDA code's softmax before the argmax does not change it).
        return CityscapesEvaluator.Predict(main, image.Width, image.Height).to(ScalarType.Byte).cpu().data<byte>().ToArray();
    }

    private static Loaded Load(LoveDaDataset dataset, int index, BandStatistics statistics, bool labels)
    {
        var (rgb, width, height) = dataset.LoadRgb(index);
        var pixels = new float[rgb.Length];
        LoveDaDataset.Normalise(rgb, pixels, statistics.Mean, statistics.Std);
        return new Loaded(pixels, width, height, labels ? dataset.LoadLabels(index, width, height) : null);
    }

    private static void CheckModel(ModelDescription description, string path)
    {
        if (description.Classes.Count != LoveDaClasses.Count || description.InputBands != 3)
        {
            throw new LoveDaDataException(
                $"The model '{path}' predicts {description.Classes.Count} classes from {description.InputBands} band(s); LoveDA needs a 7-class model of red, green, blue " +
                $"({string.Join(", ", LoveDaClasses.Names)}), such as one trained with sample-configs/loveda-rural-to-urban.json.", path);
        }

        if (description.BandNames is { } bands && !bands.SequenceEqual(["red", "green", "blue"], StringComparer.OrdinalIgnoreCase))
        {
            throw new LoveDaDataException(
                $"The model '{path}' was trained on the bands {string.Join(", ", bands)}; LoveDA images are red, green, blue in that order. Use a model trained on RGB.", path);
        }
    }

    /// <summary>No output may replace an input: the PNGs carry the images' names, so a folder that is (or links to) images_png would lose them.</summary>
    private static void CheckOutputs(LoveDaDataset dataset, string model, string? output, bool test)
    {
        if (output is null)
        {
            return;
        }

        var inputs = new List<(string, string?)> { ("LoveDaEvaluationRequest.ModelPath", model) };
        for (int i = 0; i < dataset.Count; i++)
        {
            inputs.Add(("a LoveDA image", dataset.ImagePath(i)));
            if (dataset.HasMasks)
            {
                inputs.Add(("a LoveDA mask", dataset.MaskPath(i)));
            }
        }

        var outputs = dataset.Names.Select(name => ("LoveDaEvaluationRequest.OutputDirectory", (string?)Path.Combine(output, "predictions", name))).ToList();
        outputs.Add(("LoveDaEvaluationRequest.OutputDirectory", test ? Path.Combine(output, SubmissionName) : Path.Combine(output, "iou.json")));
        if (!test)
        {
            outputs.Add(("LoveDaEvaluationRequest.OutputDirectory", Path.Combine(output, "iou.txt")));
        }

        OutputGuard.Check(inputs, outputs, overwrite: true);
    }

    private static void WriteZip(string path, string folder, IReadOnlyList<string> names)
    {
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (string name in names)
            {
                zip.CreateEntryFromFile(Path.Combine(folder, name), name, CompressionLevel.Optimal);
            }
        });
    }

    private sealed record Loaded(float[] Pixels, int Width, int Height, byte[]? Labels);
}
