using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// Writes checkpoints in PyTorch's zip format (what <c>torch.save</c> writes since 1.6), readable by
/// <see cref="CheckpointReader"/> and meant to be readable by <c>torch.load(path, weights_only=True)</c>:
/// <c>&lt;name&gt;/data.pkl</c> (pickle protocol 2, tensors as <c>torch._utils._rebuild_tensor_v2</c> over
/// persistent ids <c>('storage', torch.FloatStorage, key, 'cpu', numel)</c>), one uncompressed member
/// <c>&lt;name&gt;/data/&lt;key&gt;</c> per tensor, <c>byteorder</c> and <c>version</c>.
/// </summary>
public static class CheckpointWriter
{
    /// <summary>The zip format version torch.save writes (PyTorch 1.6 and later).</summary>
    private const string FormatVersion = "3";

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/>, through a temporary file in the same folder
    /// renamed when complete, so an existing checkpoint is replaced only by a whole new one.
    /// </summary>
    /// <param name="content">
    /// The top-level dict. Values may be tensors (any device; saved from the CPU, contiguous), strings, numbers,
    /// booleans, null, lists, and nested dicts of any of these: a module's <c>state_dict()</c>, an optimiser state,
    /// metadata. Put the model's weights under <c>state_dict</c> so <see cref="Checkpoint.StateDict"/> finds them.
    /// </param>
    /// <exception cref="CheckpointException">A value cannot be written (its type or dtype is named).</exception>
    public static void Save(string path, IReadOnlyDictionary<string, object?> content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(content);
        string full = System.IO.Path.GetFullPath(path);
        Runtime.AtomicFile.Write(full, file => WriteArchive(file, ArchiveName(full), content, cancellationToken));
    }

    private static void WriteArchive(Stream file, string archive, IReadOnlyDictionary<string, object?> content, CancellationToken cancellationToken)
    {
        var tensors = new List<Tensor>();
        using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
        using (Stream pkl = zip.CreateEntry($"{archive}/data.pkl", CompressionLevel.NoCompression).Open())
        {
            var writer = new PickleWriter(pkl);
            writer.WriteProtocolHeader();
            writer.Value(content, "", (value, where) =>
            {
                if (value is not Tensor tensor)
                {
                    return false;
                }

                WriteTensor(writer, tensor, tensors.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), where);
                tensors.Add(tensor);
                return true;
            });
            writer.WriteStop();
        }

        WriteText(zip, $"{archive}/byteorder", BitConverter.IsLittleEndian ? "little" : "big");
        for (int key = 0; key < tensors.Count; key++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using Stream data = zip.CreateEntry($"{archive}/data/{key}", CompressionLevel.NoCompression).Open();
            using var scope = torch.NewDisposeScope();
            Tensor cpu = tensors[key].detach().cpu().contiguous();
            if (cpu.numel() > 0)
            {
                data.Write(cpu.bytes);
            }
        }

        WriteText(zip, $"{archive}/version", FormatVersion + "\n");
    }

    private static void WriteTensor(PickleWriter writer, Tensor tensor, string key, string where)
    {
        if (tensor.IsInvalid)
        {
            throw new CheckpointException($"'{where}': the tensor has been disposed; save before disposing it.");
        }

        StorageType storage;
        try
        {
            storage = StorageType.ForDtype(tensor.dtype);
        }
        catch (CheckpointException e)
        {
            throw new CheckpointException($"'{where}': {e.Message}");
        }

        long[] size = tensor.shape;
        var stride = new long[size.Length];
        long step = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            stride[d] = step;
            step *= size[d];
        }

        // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks)
        writer.Global("torch._utils", "_rebuild_tensor_v2");
        writer.Mark();
        writer.Mark();
        writer.String("storage");
        writer.Global("torch", storage.PythonName);
        writer.String(key);
        writer.String("cpu");
        writer.Int(tensor.numel());
        writer.Tuple();
        writer.BinPersId();
        writer.Int(0);
        writer.IntTuple(size);
        writer.IntTuple(stride);
        writer.Bool(false);
        writer.Global("collections", "OrderedDict");
        writer.EmptyTuple();
        writer.Reduce();
        writer.Tuple();
        writer.Reduce();
    }

    private static void WriteText(ZipArchive zip, string name, string text)
    {
        using var stream = new StreamWriter(zip.CreateEntry(name, CompressionLevel.NoCompression).Open());
        stream.Write(text);
    }

    /// <summary>torch.save names the archive folder after the file (without extension); keep it to safe characters.</summary>
    private static string ArchiveName(string path)
    {
        string stem = System.IO.Path.GetFileNameWithoutExtension(path);
        var safe = new string(stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());
        return safe.Length == 0 ? "archive" : safe;
    }
}
