using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// Reads the <c>.safetensors</c> format (Hugging Face, timm): an 8-byte little-endian header length
/// N, N bytes of JSON (<c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
/// "__metadata__": {"key": "text"}}</c>), then the tensors' bytes, row-major and little-endian,
/// at those offsets. Nothing in the file is executed; the header is checked whole (its length
/// against the file and <see cref="MaxHeaderBytes"/>, every dtype, shape and offset, offsets that
/// overlap, leave gaps or reach past the data) and the elements are charged to the budget before
/// any tensor is allocated.
/// </summary>
internal static class SafetensorsReader
{
    /// <summary>Largest header read: the safetensors library's own limit (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The header entry holding text metadata rather than a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Whether the first bytes of a file look like safetensors: a length that fits the file, then '{'.</summary>
    public static bool LooksLike(ReadOnlySpan<byte> head, long fileSize)
    {
        if (head.Length < 9 || head[8] != (byte)'{')
        {
            return false;
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return length >= 2 && length <= (ulong)(fileSize - 8);
    }

    public static Checkpoint Read(string path, CheckpointBudget budget)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long fileSize = file.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (file.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            throw Bad(path, "it ends before its 8-byte header length");
        }

        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (declared > (ulong)(fileSize - 8))
        {
            throw new CheckpointException($"{path}: the safetensors header declares {declared} bytes but the file has {fileSize - 8} after the length; it is truncated or not a safetensors file.");
        }

        if ((long)declared > MaxHeaderBytes)
        {
            throw new CheckpointException($"{path}: refused: the safetensors header declares {declared} bytes, more than the format's limit of {MaxHeaderBytes}; the file is corrupt or malicious.");
        }

        var header = new byte[(int)declared];
        file.ReadExactly(header);
        long dataStart = 8 + (long)declared;
        long dataSize = fileSize - dataStart;

        var specs = new List<(string Name, ScalarType Dtype, long Numel, long[] Shape, long Begin, long End)>();
        var metadata = new OrderedEntries();
        ParseHeader(path, header, specs, metadata, budget);

        // Offsets: inside the data, one tensor's bytes each, no overlap and no gap (as the safetensors library checks).
        long expectedBegin = 0;
        foreach (var spec in specs.OrderBy(s => s.Begin).ThenBy(s => s.End))
        {
            if (spec.End > dataSize)
            {
                throw Bad(path, $"tensor '{spec.Name}' ends at byte {spec.End} of the data, which has {dataSize} bytes (the file is truncated)");
            }

            if (spec.Begin != expectedBegin)
            {
                throw Bad(path, spec.Begin < expectedBegin
                    ? $"tensor '{spec.Name}' (bytes {spec.Begin}..{spec.End}) overlaps the tensor before it, which ends at {expectedBegin}"
                    : $"bytes {expectedBegin}..{spec.Begin} of the data belong to no tensor");
            }

            expectedBegin = spec.End;
        }

        if (expectedBegin != dataSize)
        {
            throw Bad(path, $"bytes {expectedBegin}..{dataSize} at the end of the data belong to no tensor");
        }

        budget.ChargeElements(specs.Sum(s => s.Numel), $"the file's {specs.Count} tensors");
        if (!BitConverter.IsLittleEndian)
        {
            throw new CheckpointException($"{path}: safetensors data is little-endian; this reader runs on little-endian machines only.");
        }

        var owned = new List<Tensor>();
        var entries = new OrderedEntries();
        try
        {
            foreach (var spec in specs)
            {
                Tensor tensor = torch.empty(spec.Shape, spec.Dtype).DetachFromDisposeScope();
                owned.Add(tensor);
                long bytes = spec.End - spec.Begin;
                if (bytes > int.MaxValue)
                {
                    throw new CheckpointException($"{path}: tensor '{spec.Name}' is {bytes} bytes; tensors over 2 GiB are not supported.");
                }

                file.Position = dataStart + spec.Begin;
                file.ReadExactly(tensor.bytes[..(int)bytes]);
                entries.TryAdd(spec.Name, tensor);
            }
        }
        catch
        {
            foreach (Tensor t in owned)
            {
                t.Dispose();
            }

            throw;
        }

        return new Checkpoint(path, CheckpointFormat.Safetensors, entries, owned) { FileMetadata = metadata };
    }

    private static void ParseHeader(
        string path,
        byte[] header,
        List<(string Name, ScalarType Dtype, long Numel, long[] Shape, long Begin, long End)> specs,
        OrderedEntries metadata,
        CheckpointBudget budget)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Bad(path, $"its header is not valid JSON ({e.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad(path, "its header is not a JSON object");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty entry in document.RootElement.EnumerateObject())
            {
                budget.ChargeObjects(1, 8);
                if (!names.Add(entry.Name))
                {
                    throw Bad(path, $"the header names '{entry.Name}' twice");
                }

                if (entry.Name == MetadataKey)
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw Bad(path, $"'{MetadataKey}' is not an object of strings");
                    }

                    foreach (JsonProperty item in entry.Value.EnumerateObject())
                    {
                        budget.ChargeObjects(1, 8);
                        if (item.Value.ValueKind != JsonValueKind.String || !metadata.TryAdd(item.Name, item.Value.GetString()))
                        {
                            throw Bad(path, $"'{MetadataKey}.{item.Name}' is not a string, or appears twice");
                        }
                    }

                    continue;
                }

                specs.Add(Spec(path, entry));
            }
        }
    }

    private static (string Name, ScalarType Dtype, long Numel, long[] Shape, long Begin, long End) Spec(string path, JsonProperty entry)
    {
        string name = entry.Name;
        JsonElement value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtypeText) || dtypeText.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shapeArray) || shapeArray.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Bad(path, $"the header entry '{name}' is not {{\"dtype\": ..., \"shape\": [...], \"data_offsets\": [begin, end]}}");
        }

        string dtype = dtypeText.GetString()!;
        (ScalarType type, int size) = dtype switch
        {
            "F64" => (ScalarType.Float64, 8),
            "F32" => (ScalarType.Float32, 4),
            "F16" => (ScalarType.Float16, 2),
            "BF16" => (ScalarType.BFloat16, 2),
            "I64" => (ScalarType.Int64, 8),
            "I32" => (ScalarType.Int32, 4),
            "I16" => (ScalarType.Int16, 2),
            "I8" => (ScalarType.Int8, 1),
            "U8" => (ScalarType.Byte, 1),
            "BOOL" => (ScalarType.Bool, 1),
            _ => throw Bad(path, $"tensor '{name}' has dtype '{dtype}'; this reader reads F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL"),
        };
        if (shapeArray.GetArrayLength() > 64)
        {
            throw Bad(path, $"tensor '{name}' has {shapeArray.GetArrayLength()} dimensions (PyTorch allows 64)");
        }

        var shape = new long[shapeArray.GetArrayLength()];
        long numel = 1;
        int d = 0;
        foreach (JsonElement dim in shapeArray.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long n) || n < 0)
            {
                throw Bad(path, $"tensor '{name}' has a shape entry that is not a whole number >= 0");
            }

            shape[d++] = n;
            if (n != 0 && numel > long.MaxValue / n)
            {
                throw Bad(path, $"the shape of tensor '{name}' has more elements than 64 bits count");
            }

            numel *= n;
        }

        long[] range = new long[2];
        for (int i = 0; i < 2; i++)
        {
            if (offsets[i].ValueKind != JsonValueKind.Number || !offsets[i].TryGetInt64(out range[i]) || range[i] < 0)
            {
                throw Bad(path, $"tensor '{name}' has a data offset that is not a whole number >= 0");
            }
        }

        if (range[1] < range[0] || numel > long.MaxValue / size || range[1] - range[0] != numel * size)
        {
            throw Bad(path, $"tensor '{name}' ({dtype} [{string.Join(", ", shape)}], {(numel > long.MaxValue / size ? "too many" : (numel * size).ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes) " +
                $"has data offsets [{range[0]}, {range[1]}], which do not hold exactly its bytes");
        }

        return (name, type, numel, shape, range[0], range[1]);
    }

    private static CheckpointException Bad(string path, string problem) =>
        new($"{path}: not a valid safetensors file: {problem}. The file is corrupt or was not written by a safetensors writer.");
}
