using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// Turns a float ONNX graph into a QDQ int8 graph that ONNX Runtime's CPU provider runs with its
/// int8 kernels. A pass over the graph, not over a network: it applies to every graph
/// <see cref="DeepLabOnnxExporter"/> writes (any depth, stride or pooling).
/// </summary>
/// <remarks>
/// <para>
/// Weights: per output channel, symmetric int8 in [-127, 127] (<c>scale_o = max|w_o| / 127</c>,
/// zero point 0), behind a <c>DequantizeLinear</c> with <c>axis 0</c>. Biases: int32 with scale
/// <c>x_scale * w_scale_o</c> and zero point 0, as <c>QLinearConv</c> wants them.
/// Activations: per tensor, asymmetric uint8 (ONNX Runtime fuses only uint8 activations into its
/// x86 int8 kernels: int8 activations with int8 weights are fused on ARM alone, and on x86 they
/// would be converted to uint8 anyway). The ranges come from calibration.
/// </para>
/// <para>
/// Which convolutions: every <c>Conv</c> with constant weights from which another <c>Conv</c> can
/// be reached, so the classifier convolutions that produce the logits stay float (under 1 % of
/// ResNet-101's arithmetic, and quantising the logits themselves moves the class boundaries). Which
/// tensors get <c>QuantizeLinear -> DequantizeLinear</c>: each quantised convolution's input and
/// output (its ReLU's output when a ReLU is its only consumer: ONNX Runtime then drops the ReLU,
/// which the uint8 zero point 0 already performs); the output of an <c>Add</c> whose inputs all
/// have them (fused to <c>QLinearAdd</c>); and a <c>MaxPool</c>'s output, with its input's scale
/// and zero point. ONNX Runtime fuses <c>DQ -> Conv -> Q</c> (with <c>DQ</c> weight and bias) into
/// <c>QLinearConv</c> (the tests check its optimised graph). After calibration,
/// <see cref="WithoutCancellingAdds"/> returns the residual additions whose inputs cancel to float.
/// </para>
/// <para>
/// The order: <see cref="Plan"/>, calibrate <see cref="QdqPlan.CalibratedTensors"/>
/// (<see cref="ActivationCalibrator"/>), <see cref="WithoutCancellingAdds"/>, <see cref="Quantize"/>;
/// <see cref="OnnxModelExport.QuantizeInt8(ModelProto, CalibrationSet, CalibrationOptions, IProgress{OnnxExportProgress}?, CancellationToken)"/> does all four.
/// </para>
/// </remarks>
public static class QdqQuantizer
{
    /// <summary>Symmetric int8 weights use [-127, 127], so -w is representable for every w.</summary>
    private const int WeightLimit = 127;

    /// <summary>Which tensors and convolutions <see cref="Quantize"/> handles in <paramref name="model"/>, before calibration.</summary>
    public static QdqPlan Plan(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        GraphProto graph = model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var consumers = Consumers(graph);
        var reachesConv = ReachesConvolution(graph, consumers);
        var convolutions = graph.Node.Where(node => node.OpType == "Conv" && node.Domain is "" or "ai.onnx" && node.Input.Count >= 2 && initializers.Contains(node.Input[1])
                && (node.Input.Count < 3 || node.Input[2].Length == 0 || initializers.Contains(node.Input[2])) && reachesConv.Contains(node))
            .Select(c => c.Output[0]).ToHashSet(StringComparer.Ordinal);
        return Build(graph, convolutions, new HashSet<NodeProto>(ReferenceEqualityComparer.Instance), consumers);
    }

    /// <summary>
    /// <paramref name="plan"/> less the residual additions that cancel: an <c>Add</c> whose output
    /// range is more than <paramref name="maximumCancellation"/> times narrower than its widest input
    /// (two large, opposite branches) would have its output swamped by the rounding of its inputs.
    /// Such an <c>Add</c> runs in float32: the convolutions whose outputs only it reads stay float,
    /// and so does its output unless an int8 operator reads it. Measured on the calibration ranges
    /// (<paramref name="ranges"/>, which must cover <paramref name="plan"/>'s calibrated tensors).
    /// </summary>
    public static QdqPlan WithoutCancellingAdds(ModelProto model, QdqPlan plan, IReadOnlyDictionary<string, ActivationRange> ranges, double maximumCancellation)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(ranges);
        var consumers = Consumers(model.Graph);
        var tensors = plan.Tensors.ToHashSet(StringComparer.Ordinal);
        var convolutions = plan.Convolutions.ToHashSet(StringComparer.Ordinal);
        var producers = model.Graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        var floatAdds = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        double Width(string t) => ranges.TryGetValue(plan.SharedParameters.GetValueOrDefault(t, t), out var r) ? Math.Max(r.Max, 0) - Math.Min(r.Min, 0) : double.NaN;
        foreach (NodeProto add in model.Graph.Node.Where(n => n.OpType == "Add" && n.Input.All(tensors.Contains)))
        {
            if (add.Input.Max(Width) > maximumCancellation * Width(ThroughSingleRelu(add.Output[0], consumers)))
            {
                floatAdds.Add(add);
                foreach (string input in add.Input)
                {
                    if (producers.TryGetValue(input, out NodeProto? producer) && producer.OpType == "Conv" && consumers[input].Count == 1)
                    {
                        convolutions.Remove(producer.Output[0]);
                    }
                }
            }
        }

        return Build(model.Graph, convolutions, floatAdds, consumers);
    }

    /// <summary>
    /// The tensors to quantise for the int8 convolutions <paramref name="convolutions"/>: their inputs
    /// and (ReLU'd) outputs; then, until nothing changes, the (ReLU'd) output of each <c>Add</c> not in
    /// <paramref name="floatAdds"/> whose inputs all are quantised, and each max-pool's output with its input's parameters.
    /// </summary>
    private static QdqPlan Build(GraphProto graph, HashSet<string> convolutions, HashSet<NodeProto> floatAdds, Dictionary<string, List<NodeProto>> consumers)
    {
        var tensors = new HashSet<string>(StringComparer.Ordinal);
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (NodeProto conv in graph.Node.Where(n => n.OpType == "Conv" && convolutions.Contains(n.Output[0])))
        {
            tensors.Add(conv.Input[0]);
            tensors.Add(ThroughSingleRelu(conv.Output[0], consumers));
        }

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (NodeProto node in graph.Node)
            {
                if (node.OpType == "Add" && !floatAdds.Contains(node) && node.Input.All(tensors.Contains))
                {
                    changed |= tensors.Add(ThroughSingleRelu(node.Output[0], consumers));
                }
                else if (node.OpType == "MaxPool" && node.Output.Count == 1 && tensors.Contains(node.Input[0]) && !shared.ContainsKey(node.Output[0]))
                {
                    tensors.Add(node.Output[0]);
                    shared[node.Output[0]] = shared.TryGetValue(node.Input[0], out string? root) ? root : node.Input[0];
                    changed = true;
                }
            }
        }

        // Graph order: inputs first, then node outputs as they appear.
        var ordered = graph.Input.Select(i => i.Name).Concat(graph.Node.SelectMany(n => n.Output)).Where(tensors.Contains).Distinct().ToList();
        var orderedConvolutions = graph.Node.Where(n => n.OpType == "Conv" && convolutions.Contains(n.Output[0])).Select(n => n.Output[0]).ToList();
        return new QdqPlan(orderedConvolutions, ordered, shared);
    }

    /// <summary>
    /// The QDQ graph of <paramref name="floatModel"/> (which is left unchanged), with the activation
    /// ranges <paramref name="ranges"/> measured for every tensor in <paramref name="plan"/>'s <see cref="QdqPlan.CalibratedTensors"/> (<see cref="Plan"/>, refined by the caller).
    /// </summary>
    public static ModelProto Quantize(ModelProto floatModel, IReadOnlyDictionary<string, ActivationRange> ranges, QdqPlan plan)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(plan);
        string? missing = plan.CalibratedTensors.FirstOrDefault(t => !ranges.ContainsKey(t));
        if (missing is not null)
        {
            throw new ArgumentException($"No calibrated range for the activation '{missing}'; calibrate every tensor of QdqPlan.CalibratedTensors.", nameof(ranges));
        }

        ModelProto model = floatModel.Clone();
        GraphProto graph = model.Graph;
        var names = new HashSet<string>(StringComparer.Ordinal);
        names.UnionWith(graph.Input.Select(i => i.Name));
        names.UnionWith(graph.Initializer.Select(i => i.Name));
        names.UnionWith(graph.Node.SelectMany(n => n.Output));
        names.UnionWith(graph.Node.Select(n => n.Name));
        string Fresh(string wanted)
        {
            string name = wanted;
            for (int i = 2; !names.Add(name); i++)
            {
                name = $"{wanted}_{i}";
            }

            return name;
        }

        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var newInitializers = new List<TensorProto>();

        // Activation parameters: a scale and a zero point per calibrated tensor; shared ones reuse them.
        var parameters = new Dictionary<string, (string Scale, string ZeroPoint, float ScaleValue)>(StringComparer.Ordinal);
        foreach (string tensor in plan.CalibratedTensors)
        {
            var (scale, zero) = ranges[tensor].Uint8Parameters();
            string scaleName = Fresh($"{tensor}_scale");
            string zeroName = Fresh($"{tensor}_zero_point");
            newInitializers.Add(FloatTensor(scaleName, [scale]));
            newInitializers.Add(new TensorProto { Name = zeroName, DataType = (int)TensorProto.Types.DataType.Uint8, RawData = ByteString.CopyFrom(zero) });
            parameters[tensor] = (scaleName, zeroName, scale);
        }

        foreach (var (tensor, root) in plan.SharedParameters)
        {
            parameters[tensor] = parameters[root];
        }

        var dequantized = plan.Tensors.ToDictionary(t => t, t => Fresh($"{t}_dequantized"), StringComparer.Ordinal);
        var convolutions = plan.Convolutions.ToHashSet(StringComparer.Ordinal);
        var usedFloatInitializers = new HashSet<string>(StringComparer.Ordinal);
        var nodes = new List<NodeProto>();
        void EmitPair(string tensor)
        {
            var (scale, zero, _) = parameters[tensor];
            string quantized = Fresh($"{tensor}_quantized");
            nodes.Add(Node("QuantizeLinear", Fresh($"QuantizeLinear_{tensor}"), [tensor, scale, zero], quantized));
            nodes.Add(Node("DequantizeLinear", Fresh($"DequantizeLinear_{tensor}"), [quantized, scale, zero], dequantized[tensor]));
        }

        foreach (ValueInfoProto input in graph.Input)
        {
            if (dequantized.ContainsKey(input.Name))
            {
                EmitPair(input.Name);
            }
        }

        foreach (NodeProto original in graph.Node)
        {
            NodeProto node = original.Clone();
            for (int i = 0; i < node.Input.Count; i++)
            {
                if (dequantized.TryGetValue(node.Input[i], out string? replacement))
                {
                    node.Input[i] = replacement;
                }
            }

            if (node.OpType == "Conv" && convolutions.Contains(node.Output[0]))
            {
                float inputScale = parameters[original.Input[0]].ScaleValue;
                var (weight, weightScales) = QuantizeWeight(initializers[original.Input[1]], Fresh, newInitializers);
                string weightDq = Fresh($"{original.Input[1]}_dequantized");
                nodes.Add(Node("DequantizeLinear", Fresh($"DequantizeLinear_{original.Input[1]}"), [weight.Values, weight.Scale, weight.ZeroPoint], weightDq, axis: 0));
                node.Input[1] = weightDq;
                if (node.Input.Count >= 3 && node.Input[2].Length > 0)
                {
                    var bias = QuantizeBias(initializers[original.Input[2]], inputScale, weightScales, Fresh, newInitializers);
                    string biasDq = Fresh($"{original.Input[2]}_dequantized");
                    nodes.Add(Node("DequantizeLinear", Fresh($"DequantizeLinear_{original.Input[2]}"), [bias.Values, bias.Scale], biasDq, axis: 0));
                    node.Input[2] = biasDq;
                }
            }

            usedFloatInitializers.UnionWith(node.Input.Where(initializers.ContainsKey));
            nodes.Add(node);
            foreach (string output in node.Output)
            {
                if (dequantized.ContainsKey(output))
                {
                    EmitPair(output);
                }
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        var kept = graph.Initializer.Where(t => usedFloatInitializers.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(kept);
        graph.Initializer.AddRange(newInitializers);
        return model;
    }

    /// <summary>True when <paramref name="model"/> holds QuantizeLinear/DequantizeLinear or ONNX's quantised operators.</summary>
    public static bool IsQuantized(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Graph.Node.Any(n => n.OpType is "QuantizeLinear" or "DequantizeLinear" or "QLinearConv" or "ConvInteger" or "QLinearMatMul" or "MatMulInteger");
    }

    private record struct QuantizedInitializer(string Values, string Scale, string ZeroPoint);

    private static (QuantizedInitializer Names, float[] Scales) QuantizeWeight(TensorProto weight, Func<string, string> fresh, List<TensorProto> output)
    {
        float[] w = FloatValues(weight);
        long outChannels = weight.Dims[0];
        int perChannel = (int)(w.Length / outChannels);
        var scales = new float[outChannels];
        var values = new sbyte[w.Length];
        for (int o = 0; o < outChannels; o++)
        {
            ReadOnlySpan<float> channel = w.AsSpan(o * perChannel, perChannel);
            float max = 0;
            foreach (float v in channel)
            {
                max = Math.Max(max, Math.Abs(v));
            }

            float scale = max > 0 ? max / WeightLimit : 1f;
            scales[o] = scale;
            for (int i = 0; i < perChannel; i++)
            {
                values[(o * perChannel) + i] = (sbyte)Math.Clamp(Math.Round(channel[i] / scale, MidpointRounding.ToEven), -WeightLimit, WeightLimit);
            }
        }

        var names = new QuantizedInitializer(fresh($"{weight.Name}_int8"), fresh($"{weight.Name}_scale"), fresh($"{weight.Name}_zero_point"));
        var quantized = new TensorProto { Name = names.Values, DataType = (int)TensorProto.Types.DataType.Int8, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        quantized.Dims.AddRange(weight.Dims);
        output.Add(quantized);
        output.Add(FloatTensor(names.Scale, scales, outChannels));
        var zero = new TensorProto { Name = names.ZeroPoint, DataType = (int)TensorProto.Types.DataType.Int8, RawData = ByteString.CopyFrom(new byte[outChannels]) };
        zero.Dims.Add(outChannels);
        output.Add(zero);
        return (names, scales);
    }

    private static QuantizedInitializer QuantizeBias(TensorProto bias, float inputScale, float[] weightScales, Func<string, string> fresh, List<TensorProto> output)
    {
        float[] b = FloatValues(bias);
        var scales = new float[b.Length];
        var values = new int[b.Length];
        for (int o = 0; o < b.Length; o++)
        {
            scales[o] = inputScale * weightScales[o];
            values[o] = (int)Math.Clamp(Math.Round(b[o] / (double)scales[o], MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        }

        var names = new QuantizedInitializer(fresh($"{bias.Name}_int32"), fresh($"{bias.Name}_scale"), "");
        var quantized = new TensorProto { Name = names.Values, DataType = (int)TensorProto.Types.DataType.Int32, RawData = ByteString.CopyFrom(LittleEndian(values)) };
        quantized.Dims.Add(b.Length);
        output.Add(quantized);
        output.Add(FloatTensor(names.Scale, scales, b.Length));
        return names;
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string output, long? axis = null)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        if (axis is { } a)
        {
            node.Attribute.Add(OnnxGraphBuilder.Int("axis", a));
        }

        return node;
    }

    /// <summary>A float32 initializer; no dimensions makes it a scalar.</summary>
    private static TensorProto FloatTensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(LittleEndian(values)) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static float[] FloatValues(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"The initializer '{tensor.Name}' is not float32 (data type {tensor.DataType}); only float32 graphs can be quantised.");
        }

        if (tensor.FloatData.Count > 0)
        {
            return [.. tensor.FloatData];
        }

        byte[] bytes = tensor.RawData.ToByteArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < bytes.Length; i += 4)
            {
                Array.Reverse(bytes, i, 4);
            }
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static byte[] LittleEndian<T>(T[] values)
        where T : struct
    {
        byte[] bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            int size = Marshal.SizeOf<T>();
            for (int i = 0; i < bytes.Length; i += size)
            {
                Array.Reverse(bytes, i, size);
            }
        }

        return bytes;
    }

    /// <summary>The tensor to quantise for a value: the output of its ReLU when that ReLU is its only consumer, else itself.</summary>
    private static string ThroughSingleRelu(string tensor, Dictionary<string, List<NodeProto>> consumers) =>
        consumers.TryGetValue(tensor, out var users) && users.Count == 1 && users[0].OpType == "Relu" ? users[0].Output[0] : tensor;

    private static Dictionary<string, List<NodeProto>> Consumers(GraphProto graph)
    {
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (NodeProto node in graph.Node)
        {
            foreach (string input in node.Input.Where(i => i.Length > 0).Distinct())
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        return consumers;
    }

    /// <summary>Nodes from whose outputs a Conv can be reached (the graph's nodes are in topological order).</summary>
    private static HashSet<NodeProto> ReachesConvolution(GraphProto graph, Dictionary<string, List<NodeProto>> consumers)
    {
        var reaches = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        for (int i = graph.Node.Count - 1; i >= 0; i--)
        {
            NodeProto node = graph.Node[i];
            if (node.Output.Any(o => consumers.TryGetValue(o, out var users) && users.Any(u => u.OpType == "Conv" || reaches.Contains(u))))
            {
                reaches.Add(node);
            }
        }

        return reaches;
    }
}
