using AdaptSeg.Geo.Config;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// Writes a <see cref="DeepLabMulti"/> as an ONNX graph (IR version 8, opset 13..17) for its eval-mode
/// forward pass followed by what <see cref="Inference.NetworkTilePredictor"/> does to the main head:
/// bilinear upsampling to the input's height and width with <c>align_corners</c> and a softmax over
/// the classes. Every batch normalisation is folded into the convolution before it (running
/// statistics, eps 1e-5, as in eval mode); ReLU, the max-pool (ceil mode for the DeepLab-v2
/// backbone, floor mode for torchvision's), the strides and dilations of
/// <see cref="DeepLabMulti.Stages"/> and the ASPP sum (the branches the network's options use: two
/// as the reference, or all four) follow the network exactly.
/// </summary>
/// <remarks>
/// Input <c>input</c>: float32 <c>batch x bands x height x width</c>, already normalised
/// (<c>(raw - mean) / std</c>, as the network was trained); batch is symbolic, height and width are
/// symbolic or <see cref="OnnxExportOptions.InputSize"/>.
/// Outputs <c>main</c> (and <c>aux</c> with <see cref="OnnxHeads.Both"/>): float32
/// <c>batch x classes x height x width</c> class probabilities.
/// </remarks>
public static class DeepLabOnnxExporter
{
    /// <summary>The ONNX IR version written (ONNX 1.10+, ONNX Runtime 1.10+).</summary>
    public const long IrVersion = 8;

    public const string InputName = "input";
    public const string MainOutputName = "main";
    public const string AuxOutputName = "aux";

    /// <summary>Batch-norm epsilon of every <see cref="FrozenBatchNorm"/> (PyTorch's default).</summary>
    private const double BatchNormEpsilon = 1e-5;

    /// <summary>Builds the ONNX model of <paramref name="network"/>'s current weights.</summary>
    public static ModelProto Build(DeepLabMulti network, OnnxExportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var weights = new Weights(network);
        var g = new OnnxGraphBuilder();
        g.Graph.Name = "adaptseg_deeplab_v2_multi";
        object height = options.InputSize is { } fixedSize ? fixedSize : "height";
        object width = options.InputSize is { } fixedWidth ? fixedWidth : "width";
        g.Graph.Input.Add(OnnxGraphBuilder.FloatValue(InputName, "batch", network.InputBands, height, width));

        // Stem: conv1 + bn1, ReLU, 3x3 stride-2 max-pool (ceil_mode in the DeepLab-v2 backbone only).
        bool torchvision = network.Options.Backbone == BackboneKind.TorchvisionResNet;
        string x = g.Node("Relu", [weights.ConvBn(g, InputName, "conv1", "bn1", stride: 2, padding: 3, dilation: 1)]);
        x = g.Node("MaxPool", [x], null,
            OnnxGraphBuilder.Ints("kernel_shape", 3, 3), OnnxGraphBuilder.Ints("strides", 2, 2),
            OnnxGraphBuilder.Ints("pads", 1, 1, 1, 1), OnnxGraphBuilder.Int("ceil_mode", torchvision ? 0 : 1));

        // Stages as DeepLabMulti builds them.
        IReadOnlyList<ResNetStage> stages = DeepLabMulti.Stages(network.Options);
        string? layer3 = null;
        for (int s = 0; s < 4; s++)
        {
            for (int b = 0; b < network.BlocksPerStage[s]; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                x = Bottleneck(g, weights, x, $"layer{s + 1}.{b}", b == 0 ? stages[s].Stride : 1,
                    b == 0 ? stages[s].FirstDilation : stages[s].Dilation, torchvision);
            }

            if (s == 2)
            {
                layer3 = x;
            }
        }

        string sizes = OutputSizes(g, network.NumClasses);
        Head(g, weights, x, "layer6", network.Options.AsppAllBranches, sizes, MainOutputName);
        g.Graph.Output.Add(OnnxGraphBuilder.FloatValue(MainOutputName, "batch", network.NumClasses, height, width));
        if (options.Heads == OnnxHeads.Both)
        {
            Head(g, weights, layer3!, "layer5", network.Options.AsppAllBranches, sizes, AuxOutputName);
            g.Graph.Output.Add(OnnxGraphBuilder.FloatValue(AuxOutputName, "batch", network.NumClasses, height, width));
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "adaptseg",
            ProducerVersion = typeof(DeepLabOnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = $"DeepLab-v2 multi-level (AdaptSegNet) on the {(torchvision ? $"torchvision ResNet, output stride {network.OutputStride}" : "DeepLab-v2 ResNet")}, " +
                        $"blocks [{string.Join(", ", network.BlocksPerStage)}], width {network.Options.Width}, " +
                        $"{network.InputBands} band(s), {network.NumClasses} classes, ASPP {(network.Options.AsppAllBranches ? "all four branches" : "two branches (reference)")}; " +
                        "input normalised as (raw - mean) / std, outputs softmax probabilities at the input size.",
            Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (key, value) in options.Metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    /// <summary>A bottleneck block; the stride sits on the first 1x1 (DeepLab-v2) or on the 3x3 (<paramref name="strideOn3x3"/>, torchvision).</summary>
    private static string Bottleneck(OnnxGraphBuilder g, Weights weights, string x, string prefix, int stride, int dilation, bool strideOn3x3)
    {
        string y = g.Node("Relu", [weights.ConvBn(g, x, $"{prefix}.conv1", $"{prefix}.bn1", strideOn3x3 ? 1 : stride, padding: 0, dilation: 1)]);
        y = g.Node("Relu", [weights.ConvBn(g, y, $"{prefix}.conv2", $"{prefix}.bn2", strideOn3x3 ? stride : 1, padding: dilation, dilation: dilation)]);
        y = weights.ConvBn(g, y, $"{prefix}.conv3", $"{prefix}.bn3", stride: 1, padding: 0, dilation: 1);
        string shortcut = weights.Has($"{prefix}.downsample.0.weight")
            ? weights.ConvBn(g, x, $"{prefix}.downsample.0", $"{prefix}.downsample.1", stride, padding: 0, dilation: 1)
            : x;
        return g.Node("Relu", [g.Node("Add", [y, shortcut])]);
    }

    /// <summary>ASPP sum, bilinear (align_corners) resize to the input size, softmax over classes.</summary>
    private static void Head(OnnxGraphBuilder g, Weights weights, string x, string prefix, bool allBranches, string sizes, string output)
    {
        IReadOnlyList<int> dilations = AsppClassifier.ReferenceDilations;
        int used = allBranches ? dilations.Count : 2;
        string? sum = null;
        for (int i = 0; i < used; i++)
        {
            string branch = weights.Conv(g, x, $"{prefix}.conv2d_list.{i}", stride: 1, padding: dilations[i], dilation: dilations[i]);
            sum = sum is null ? branch : g.Node("Add", [sum, branch]);
        }

        string up = g.Node("Resize", [sum!, "", "", sizes], null,
            OnnxGraphBuilder.Text("mode", "linear"), OnnxGraphBuilder.Text("coordinate_transformation_mode", "align_corners"));
        g.Node("Softmax", [up], output, OnnxGraphBuilder.Int("axis", 1));
    }

    /// <summary>[batch, classes, height, width] of the output, from the input's shape.</summary>
    private static string OutputSizes(OnnxGraphBuilder g, int classes)
    {
        string shape = g.Node("Shape", [InputName]);
        string batch = g.Node("Slice", [shape, g.Int64("slice_batch_start", 0), g.Int64("slice_batch_end", 1), g.Int64("slice_axes", 0)]);
        string hw = g.Node("Slice", [shape, g.Int64("slice_hw_start", 2), g.Int64("slice_hw_end", 4), "slice_axes"]);
        return g.Node("Concat", [batch, g.Int64("class_count", classes), hw], "output_sizes", OnnxGraphBuilder.Int("axis", 0));
    }

    /// <summary>The network's state dict in float64, and the conversion of its layers to initializers.</summary>
    private sealed class Weights
    {
        private readonly Dictionary<string, (double[] Values, long[] Shape)> entries = new(StringComparer.Ordinal);

        public Weights(DeepLabMulti network)
        {
            using var noGrad = no_grad();
            foreach (var (key, tensor) in network.state_dict())
            {
                if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                {
                    continue;
                }

                using var scope = NewDisposeScope();
                entries[key] = (tensor.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray(), tensor.shape);
            }
        }

        public bool Has(string key) => entries.ContainsKey(key);

        /// <summary>A convolution whose batch norm is folded in: w' = w * g / sqrt(v + eps), b' = beta - m * g / sqrt(v + eps).</summary>
        public string ConvBn(OnnxGraphBuilder g, string x, string conv, string bn, int stride, int padding, int dilation)
        {
            var (w, shape) = Get($"{conv}.weight");
            double[] gamma = Get($"{bn}.weight").Values;
            double[] beta = Get($"{bn}.bias").Values;
            double[] mean = Get($"{bn}.running_mean").Values;
            double[] variance = Get($"{bn}.running_var").Values;
            long outChannels = shape[0];
            long perOutput = w.Length / outChannels;
            var folded = new float[w.Length];
            var bias = new float[outChannels];
            for (long o = 0; o < outChannels; o++)
            {
                double scale = gamma[o] / Math.Sqrt(variance[o] + BatchNormEpsilon);
                for (long i = 0; i < perOutput; i++)
                {
                    folded[(o * perOutput) + i] = (float)(w[(o * perOutput) + i] * scale);
                }

                bias[o] = (float)(beta[o] - (mean[o] * scale));
            }

            return ConvNode(g, x, conv, folded, bias, shape, stride, padding, dilation);
        }

        /// <summary>A convolution with its own bias (the ASPP branches).</summary>
        public string Conv(OnnxGraphBuilder g, string x, string conv, int stride, int padding, int dilation)
        {
            var (w, shape) = Get($"{conv}.weight");
            float[] bias = Get($"{conv}.bias").Values.Select(v => (float)v).ToArray();
            return ConvNode(g, x, conv, w.Select(v => (float)v).ToArray(), bias, shape, stride, padding, dilation);
        }

        private static string ConvNode(OnnxGraphBuilder g, string x, string conv, float[] weight, float[] bias, long[] shape, int stride, int padding, int dilation)
        {
            string wName = g.Float($"{conv}.weight", weight, shape);
            string bName = g.Float($"{conv}.bias", bias, shape[0]);
            return g.Node("Conv", [x, wName, bName], null,
                OnnxGraphBuilder.Ints("kernel_shape", shape[2], shape[3]),
                OnnxGraphBuilder.Ints("strides", stride, stride),
                OnnxGraphBuilder.Ints("pads", padding, padding, padding, padding),
                OnnxGraphBuilder.Ints("dilations", dilation, dilation),
                OnnxGraphBuilder.Int("group", 1));
        }

        private (double[] Values, long[] Shape) Get(string key) =>
            entries.TryGetValue(key, out var entry)
                ? entry
                : throw new InvalidDataException($"The network has no state-dict entry '{key}', which the ONNX export of a DeepLab-v2 multi-level network needs.");
    }
}
