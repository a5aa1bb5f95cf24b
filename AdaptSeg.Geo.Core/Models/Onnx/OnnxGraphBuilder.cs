using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// Appends nodes and float32 / int64 initializers to an ONNX <see cref="GraphProto"/>, giving every
/// node and intermediate value a unique name.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private int counter;

    public GraphProto Graph { get; } = new();

    /// <summary>Adds a float32 initializer (raw little-endian data) and returns its name.</summary>
    public string Float(string name, float[] values, params long[] dims)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
        {
            throw new ArgumentException($"Initializer '{name}' has {values.Length} values for shape [{string.Join(", ", dims)}].", nameof(values));
        }

        var tensor = new TensorProto { Name = Reserve(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(LittleEndian(values));
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 initializer and returns its name.</summary>
    public string Int64(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Reserve(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node with one output and returns the output's name (<paramref name="output"/> or a fresh one).</summary>
    public string Node(string opType, IEnumerable<string> inputs, string? output = null, params AttributeProto[] attributes)
    {
        counter++;
        string result = output is null ? Reserve($"{opType.ToLowerInvariant()}_{counter}") : Reserve(output);
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{counter}" };
        node.Input.AddRange(inputs);
        node.Output.Add(result);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return result;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A float32 tensor type with the given dimensions: a number, or a symbolic name.</summary>
    public static ValueInfoProto FloatValue(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                _ => new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) },
            });
        }

        var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } };
        return new ValueInfoProto { Name = name, Type = type };
    }

    private string Reserve(string name)
    {
        if (!names.Add(name))
        {
            throw new InvalidOperationException($"The ONNX graph already has a value named '{name}'.");
        }

        return name;
    }

    private static byte[] LittleEndian(float[] values)
    {
        byte[] bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < bytes.Length; i += 4)
            {
                Array.Reverse(bytes, i, 4);
            }
        }

        return bytes;
    }
}
