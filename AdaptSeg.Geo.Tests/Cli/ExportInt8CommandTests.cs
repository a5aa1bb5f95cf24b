using System.Text.Json;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Tiling;
using Xunit.Abstractions;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary>
/// The int8 export end to end on the sample data, as a user runs it: train the demo network briefly
/// on the prepared pair, export it as float32 and as int8 (calibrated on a copy of the prepared folder
/// from which every label raster was deleted), predict the sample target scene with both through
/// ONNX Runtime and compare the masks.
/// </summary>
[Collection(GdalSerialCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ExportInt8CommandTests(PreparedExperimentFixture prepared, ITestOutputHelper log) : IClassFixture<PreparedExperimentFixture>
{
    private static readonly string Scene = TestPaths.SampleData("cbers_rgb342_crop1.tif");

    /// <summary>Iterations of the demo config: enough that most of the scene is classified with a clear margin, so agreement is a claim about the model.</summary>
    private const int Iterations = 150;

    /// <summary>Pixels whose two highest float32 probabilities are closer than this are near-ties; the strict agreement is stated over the others.</summary>
    private const float Margin = 0.1f;

    [Fact]
    public async Task ExportInt8_TrainedDemoNetwork_MasksAgreeWithFloat32OnTheSampleSceneAndCalibrationReadsNoLabels()
    {
        using var temp = new TempDirectory();
        string config = prepared.WriteExperiment("int8");
        var (code, _, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(code == 0, error);
        string model = Path.Combine(prepared.RunFolder("int8"), "model.pth");

        string unlabelled = CopyWithoutLabels(prepared.Folder, temp.File("prepared-no-labels"));
        string floatOnnx = temp.File("model.onnx"), int8Onnx = temp.File("model-int8.onnx");
        (code, _, error) = await CliRunner.RunAsync("export", "onnx", "--checkpoint", model, "--output", floatOnnx, "--tile-size", "256");
        Assert.True(code == 0, error);
        (code, string output, error) = await CliRunner.RunAsync("export", "onnx", "--checkpoint", model, "--output", int8Onnx, "--tile-size", "256",
            "--quantize", "int8", "--calibration", unlabelled);
        log.WriteLine(output);
        Assert.True(code == 0, error);
        Assert.Contains("convolutions int8 (weights per channel, symmetric)", output);
        Assert.Contains("cbers_rgb342_crop1.image.tif (images only)", output);
        Assert.Contains("adaptseg_quantization = ", output);
        // int8 weights take a quarter of the float32 bytes; the classifiers and the convolutions beside cancelling additions stay float.
        Assert.True(new FileInfo(int8Onnx).Length < new FileInfo(floatOnnx).Length * 3 / 4, $"{new FileInfo(int8Onnx).Length} bytes against {new FileInfo(floatOnnx).Length}");

        foreach (var (name, onnx) in new[] { ("float", floatOnnx), ("int8", int8Onnx) })
        {
            (code, output, error) = await CliRunner.RunAsync("predict", "--input", Scene, "--output", temp.File($"{name}.tif"), "--checkpoint", onnx,
                "--engine", "onnxruntime", "--device", "cpu", "--tile-size", "256", "--probabilities", temp.File($"{name}-p.tif"), "--probability-format", "float32");
            Assert.True(code == 0, $"{name}: {error}");
            Assert.Contains($"engine        onnxruntime {(name == "int8" ? "int8" : "float32")}", output);
        }

        byte[] reference = ReadMask(temp.File("float.tif"));
        byte[] quantised = ReadMask(temp.File("int8.tif"));
        float[] margins = Margins(temp.File("float-p.tif"));
        long valid = 0, same = 0, clear = 0, clearSame = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            if (reference[i] == 255)
            {
                Assert.Equal(255, quantised[i]);
                continue;
            }

            valid++;
            bool agree = reference[i] == quantised[i];
            same += agree ? 1 : 0;
            if (margins[i] > Margin)
            {
                clear++;
                clearSame += agree ? 1 : 0;
            }
        }

        var classes = reference.Where(v => v != 255).GroupBy(v => v).ToDictionary(g => g.Key, g => g.LongCount());
        double overall = 100.0 * same / valid, onClear = 100.0 * clearSame / clear;
        log.WriteLine($"float32 classes {string.Join(", ", classes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))}; " +
                      $"margin > {Margin}: {clear} of {valid} pixels; agreement {overall:F3} % overall, {onClear:F3} % where the margin exceeds {Margin}");
        // The model decides: at least two classes cover 5 % of the scene each, and most pixels have a clear margin.
        Assert.True(classes.Count(kv => kv.Value > valid / 20) >= 2, "the float32 model separates the classes");
        Assert.True(clear > valid / 2, $"only {clear} of {valid} pixels have a float32 margin above {Margin}");
        // Where the float32 model decides clearly, int8 decides the same; near-ties (a few % of this light
        // network's pixels) flip more often, which the overall figure includes (docs/onnx.md, "Speed and agreement").
        Assert.True(onClear >= 99.5, $"int8 and float32 masks agree on {onClear:F3} % of the pixels with a margin above {Margin}");
        Assert.True(overall >= 98.5, $"int8 and float32 masks agree on {overall:F3} % of the scene");
    }

    /// <summary>A copy of a prepared folder with every label raster (either domain, evaluation and training) deleted.</summary>
    private static string CopyWithoutLabels(string folder, string copy)
    {
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(copy, "prepared.json")));
        int deleted = 0;
        foreach (string domain in new[] { "source", "target" })
        {
            foreach (JsonElement scene in manifest.RootElement.GetProperty(domain).GetProperty("scenes").EnumerateArray())
            {
                foreach (string key in new[] { "labels", "trainingLabels" })
                {
                    if (scene.TryGetProperty(key, out JsonElement relative))
                    {
                        string label = Path.Combine(copy, relative.GetString()!);
                        foreach (string sidecar in Directory.GetFiles(Path.GetDirectoryName(label)!, Path.GetFileName(label) + "*"))
                        {
                            File.Delete(sidecar);
                        }

                        deleted++;
                    }
                }
            }
        }

        Assert.True(deleted >= 2, "the source and the target had labels to delete");
        return copy;
    }

    private static byte[] ReadMask(string path)
    {
        using var ds = GdalDataset.Open(path);
        var values = new byte[ds.Width * ds.Height];
        ds.Read<byte>(1, new PixelWindow(0, 0, ds.Width, ds.Height), values);
        return values;
    }

    /// <summary>Per pixel, the highest class probability minus the second highest (NaN where nodata).</summary>
    private static float[] Margins(string path)
    {
        using var ds = GdalDataset.Open(path);
        int plane = ds.Width * ds.Height;
        var bands = new float[ds.BandCount][];
        for (int b = 0; b < ds.BandCount; b++)
        {
            bands[b] = new float[plane];
            ds.Read<float>(b + 1, new PixelWindow(0, 0, ds.Width, ds.Height), bands[b]);
        }

        var margins = new float[plane];
        for (int i = 0; i < plane; i++)
        {
            float first = float.NegativeInfinity, second = float.NegativeInfinity;
            foreach (float[] band in bands)
            {
                float p = band[i];
                if (p > first)
                {
                    (first, second) = (p, first);
                }
                else if (p > second)
                {
                    second = p;
                }
            }

            margins[i] = first - second;
        }

        return margins;
    }
}
