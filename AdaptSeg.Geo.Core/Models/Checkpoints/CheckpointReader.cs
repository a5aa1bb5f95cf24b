using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// Reads PyTorch <c>.pth</c> checkpoints in both formats (<see cref="CheckpointFormat"/>) without Python and
/// without running anything from the file: the pickle is read by a restricted unpickler that accepts only
/// tensors, storages, <c>OrderedDict</c> and plain values, like <c>torch.load(weights_only=True)</c>.
/// Tensors are created on the CPU whatever device they were saved from.
/// </summary>
public static class CheckpointReader
{
    /// <summary>Deeper nesting (or a value containing itself) is refused rather than recursed into.</summary>
    private const int MaxNesting = 100;

    /// <summary>The legacy format's first pickle: <c>torch.serialization.MAGIC_NUMBER</c>.</summary>
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950a86a20f9469cfc6c", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Reads the checkpoint at <paramref name="path"/>. The caller owns (and disposes) the result.</summary>
    /// <exception cref="CheckpointException">The file is missing, truncated, not a checkpoint, or references a forbidden global.</exception>
    public static Checkpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new CheckpointException($"{path}: no such checkpoint file. Check the path.");
        }

        // Whole storages, keyed as in the file; each tensor is built from one of them, and they are released here.
        var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        try
        {
            return DetectFormat(path) switch
            {
                CheckpointFormat.Zip => ReadZip(path, storages),
                _ => ReadLegacy(path, storages),
            };
        }
        catch (IOException e)
        {
            throw new CheckpointException($"{path}: could not be read: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException($"{path}: the zip archive is damaged ({e.Message}); the file is truncated or corrupt. Copy or download it again.", e);
        }
        finally
        {
            foreach (StorageRef storage in storages.Values)
            {
                storage.Materialised?.Dispose();
                storage.Materialised = null;
            }
        }
    }

    /// <summary>Which format the file is in, from its first bytes.</summary>
    /// <exception cref="CheckpointException">The file is neither a zip archive nor a legacy pickle stream.</exception>
    public static CheckpointFormat DetectFormat(string path)
    {
        Span<byte> head = stackalloc byte[512];
        int n;
        using (var f = File.OpenRead(path))
        {
            n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
        {
            return CheckpointFormat.Zip;
        }

        if (n >= 262 && head.Slice(257, 5).SequenceEqual("ustar"u8))
        {
            throw new CheckpointException($"{path}: this is a tar-format checkpoint from PyTorch before 0.1.10, which is not supported. Re-save it with a newer PyTorch.");
        }

        // Legacy: PROTO 2, then LONG1 of 10 bytes (the magic number).
        if (n >= 3 && head[0] == 0x80 && head[2] == 0x8a)
        {
            return CheckpointFormat.Legacy;
        }

        throw new CheckpointException(
            n == 0
                ? $"{path}: the file is empty; it is not a PyTorch checkpoint."
                : $"{path}: not a PyTorch checkpoint (neither the zip format of torch.save nor the legacy pickle format).");
    }

    private static Checkpoint ReadZip(string path, Dictionary<string, StorageRef> storages)
    {
        using ZipArchive zip = ZipFile.OpenRead(path);
        var pickles = zip.Entries.Where(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).ToList();
        if (pickles.Count != 1)
        {
            throw new CheckpointException($"{path}: a zip file but not a PyTorch checkpoint: it has {pickles.Count} data.pkl members instead of one.");
        }

        string prefix = pickles[0].FullName[..^"data.pkl".Length];
        bool littleEndian = true;
        if (zip.GetEntry(prefix + "byteorder") is { } order)
        {
            using var reader = new StreamReader(order.Open());
            string text = reader.ReadToEnd().Trim();
            littleEndian = text switch
            {
                "little" => true,
                "big" => false,
                _ => throw new CheckpointException($"{path}: unknown byteorder '{text}' in the archive."),
            };
        }

        object? root;
        using (var pkl = new MemoryStream())
        {
            using (Stream s = pickles[0].Open())
            {
                s.CopyTo(pkl);
            }

            pkl.Position = 0;
            root = new PickleReader(pkl, path, id => ZipPersistentLoad(path, id, storages)).Load();
        }

        foreach (StorageRef storage in storages.Values)
        {
            ZipArchiveEntry entry = zip.GetEntry(prefix + "data/" + storage.Key)
                ?? throw new CheckpointException($"{path}: the storage '{storage.Key}' named in data.pkl is missing from the archive; the file is truncated or corrupt.");
            long bytes = storage.Numel * storage.Type.ElementSize;
            if (entry.Length < bytes)
            {
                throw new CheckpointException($"{path}: the storage '{storage.Key}' holds {entry.Length} bytes but {bytes} are needed; the file is truncated or corrupt.");
            }

            using Stream s = entry.Open();
            ReadStorage(path, s, storage, littleEndian);
        }

        return Build(path, CheckpointFormat.Zip, root);
    }

    private static StorageRef ZipPersistentLoad(string path, object? id, Dictionary<string, StorageRef> storages)
    {
        // ('storage', storage_type, key, location, numel)
        if (id is not PickleTuple { Count: 5 } t || t[0] is not "storage" || t[1] is not PickleGlobal { Storage: { } type } || t[2] is not string key || t[4] is not long numel || numel < 0 || numel > Array.MaxLength)
        {
            throw new CheckpointException($"{path}: unexpected persistent id {id} in data.pkl; expected ('storage', torch.<Type>Storage, key, location, numel).");
        }

        if (storages.TryGetValue(key, out StorageRef? known))
        {
            return known;
        }

        var storage = new StorageRef(key, type, numel);
        storages.Add(key, storage);
        return storage;
    }

    private static Checkpoint ReadLegacy(string path, Dictionary<string, StorageRef> storages)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        object? NoPersistent(object? id) =>
            throw new CheckpointException($"{path}: a persistent id appears in the legacy header; the file is corrupt.");

        object? magic = new PickleReader(file, path, NoPersistent).Load();
        if (magic is not BigInteger m || m != LegacyMagic)
        {
            throw new CheckpointException($"{path}: not a PyTorch checkpoint (the legacy magic number is missing).");
        }

        object? protocol = new PickleReader(file, path, NoPersistent).Load();
        if (protocol is not 1001L)
        {
            throw new CheckpointException($"{path}: legacy protocol version {protocol} is not supported (expected 1001).");
        }

        object? sysInfo = new PickleReader(file, path, NoPersistent).Load();
        bool littleEndian = sysInfo is not PickleDict info
            || !info.Items.Any(kv => kv.Key is "little_endian" && kv.Value is false);

        object? root = new PickleReader(file, path, id => LegacyPersistentLoad(path, id, storages)).Load();

        object? keyList = new PickleReader(file, path, NoPersistent).Load();
        if (keyList is not List<object?> keys || keys.Any(k => k is not string))
        {
            throw new CheckpointException($"{path}: the legacy storage-key list is missing or malformed; the file is corrupt.");
        }

        Span<byte> header = stackalloc byte[8];
        foreach (string key in keys.Cast<string>())
        {
            if (!storages.TryGetValue(key, out StorageRef? storage) || storage.Root is not null)
            {
                throw new CheckpointException($"{path}: the raw data lists storage '{key}', which the pickle does not use; the file is corrupt.");
            }

            if (file.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
            {
                throw TruncatedLegacy(path, key);
            }

            long count = littleEndian ? BinaryPrimitives.ReadInt64LittleEndian(header) : BinaryPrimitives.ReadInt64BigEndian(header);
            if (count != storage.Numel)
            {
                throw new CheckpointException($"{path}: storage '{key}' has {count} elements on disk but the pickle says {storage.Numel}; the file is corrupt.");
            }

            if (count * storage.Type.ElementSize > file.Length - file.Position)
            {
                throw TruncatedLegacy(path, key);
            }

            ReadStorage(path, file, storage, littleEndian);
        }

        StorageRef? unread = storages.Values.FirstOrDefault(s => s.Root is null && s.Materialised is null);
        if (unread is not null)
        {
            throw new CheckpointException($"{path}: the pickle uses storage '{unread.Key}' but the file holds no data for it; the file is truncated or corrupt.");
        }

        return Build(path, CheckpointFormat.Legacy, root);
    }

    private static CheckpointException TruncatedLegacy(string path, string key) =>
        new($"{path}: the file ends inside the data of storage '{key}'; it is truncated. Copy or download it again.");

    private static StorageRef LegacyPersistentLoad(string path, object? id, Dictionary<string, StorageRef> storages)
    {
        // ('storage', storage_type, root_key, location, numel[, view_metadata]); view_metadata = (view_key, offset, size) or None.
        if (id is PickleTuple { Count: > 0 } tuple && tuple[0] is "module")
        {
            throw new CheckpointException($"{path}: the checkpoint holds a whole pickled nn.Module, not a state dict. Re-save it in Python with torch.save(model.state_dict(), path).");
        }

        if (id is not PickleTuple { Count: 5 or 6 } t || t[0] is not "storage" || t[1] is not PickleGlobal { Storage: { } type } || t[2] is not string key || t[4] is not long numel || numel < 0 || numel > Array.MaxLength)
        {
            throw new CheckpointException($"{path}: unexpected persistent id {id}; expected ('storage', torch.<Type>Storage, key, location, size, view).");
        }

        if (!storages.TryGetValue(key, out StorageRef? root))
        {
            root = new StorageRef(key, type, numel);
            storages.Add(key, root);
        }

        if (t.Count == 6 && t[5] is PickleTuple { Count: 3 } view && view[0] is string viewKey && view[1] is long offset && view[2] is long size)
        {
            if (offset < 0 || size < 0 || offset + size > root.Numel)
            {
                throw new CheckpointException($"{path}: storage view '{viewKey}' ({offset}+{size}) lies outside storage '{key}' of {root.Numel} elements; the file is corrupt.");
            }

            string viewId = "view:" + viewKey;
            if (!storages.TryGetValue(viewId, out StorageRef? v))
            {
                v = new StorageRef(viewId, type, size, root, offset);
                storages.Add(viewId, v);
            }

            return v;
        }

        return root;
    }

    private static Checkpoint Build(string path, CheckpointFormat format, object? root)
    {
        if (root is not PickleDict dict)
        {
            throw new CheckpointException($"{path}: the checkpoint holds a {root?.GetType().Name ?? "None"} at the top level, not a dict; it is not a state-dict checkpoint.");
        }

        var owned = new List<Tensor>();
        try
        {
            var entries = (IReadOnlyDictionary<string, object?>)Convert(path, dict, "", owned, 0)!;
            return new Checkpoint(path, format, entries, owned);
        }
        catch
        {
            foreach (Tensor t in owned)
            {
                t.Dispose();
            }

            throw;
        }
    }

    private static object? Convert(string path, object? value, string where, List<Tensor> owned, int depth)
    {
        if (depth > MaxNesting)
        {
            throw new CheckpointException($"{path}: values nest deeper than {MaxNesting} levels at '{where[..Math.Min(where.Length, 200)]}' (or refer to themselves); the file is corrupt or malicious.");
        }

        switch (value)
        {
            case PickleDict dict:
                var entries = new OrderedEntries();
                foreach (var (key, item) in dict.Items)
                {
                    string name = key switch
                    {
                        string s => s,
                        long l => l.ToString(CultureInfo.InvariantCulture),
                        _ => key.ToString() ?? "",
                    };
                    string child = where.Length == 0 ? name : where + "." + name;
                    if (!entries.TryAdd(name, Convert(path, item, child, owned, depth + 1)))
                    {
                        throw new CheckpointException($"{path}: the key '{child}' appears twice (as text); this checkpoint mixes string and integer keys.");
                    }
                }

                return entries;
            case PickleTuple tuple:
                return tuple.Items.Select((v, i) => Convert(path, v, $"{where}[{i}]", owned, depth + 1)).ToList();
            case List<object?> list:
                return list.Select((v, i) => Convert(path, v, $"{where}[{i}]", owned, depth + 1)).ToList();
            case TensorSpec spec:
                Tensor tensor = BuildTensor(path, spec, where);
                owned.Add(tensor);
                return tensor;
            case StorageRef:
                throw new CheckpointException($"{path}: '{where}' is a bare storage, not a tensor; this reader reads tensors only.");
            case PickleGlobal g:
                throw new CheckpointException($"{path}: '{where}' is the Python object {g.FullName} itself; only tensors and plain values are read.");
            default:
                return value;
        }
    }

    private static Tensor BuildTensor(string path, TensorSpec spec, string where)
    {
        StorageRef root = spec.Storage.Root ?? spec.Storage;
        long start = spec.Storage.ViewOffset + spec.Offset;
        long limit = spec.Storage.ViewOffset + spec.Storage.Numel;
        ScalarType dtype = root.Type.Dtype;
        if (spec.Size.Any(s => s < 0) || spec.Stride.Any(s => s < 0) || spec.Offset < 0)
        {
            throw new CheckpointException($"{path}: tensor '{where}' has a negative size, stride or offset; the file is corrupt.");
        }

        if (spec.Size.Any(s => s == 0))
        {
            return torch.empty(spec.Size, dtype).DetachFromDisposeScope();
        }

        long last;
        try
        {
            last = checked(start + spec.Size.Zip(spec.Stride).Sum(p => checked((p.First - 1) * p.Second)));
        }
        catch (OverflowException)
        {
            last = long.MaxValue;
        }

        if (last >= limit)
        {
            throw new CheckpointException(
                $"{path}: tensor '{where}' (size [{string.Join(", ", spec.Size)}], offset {spec.Offset}) reaches element {last} of storage '{spec.Storage.Key}', which ends at {limit}; the file is corrupt.");
        }

        Tensor whole = root.Materialised!;
        using Tensor view = whole.as_strided(spec.Size, spec.Stride, start);
        Tensor result = view.is_contiguous() && start == 0 && view.numel() == root.Numel
            ? whole.view(spec.Size)
            : view.clone();
        return result.DetachFromDisposeScope();
    }

    /// <summary>Reads a root storage's bytes straight into a new 1-D tensor (no intermediate copy).</summary>
    private static void ReadStorage(string path, Stream source, StorageRef storage, bool littleEndian)
    {
        long bytes = storage.Numel * storage.Type.ElementSize;
        if (bytes > int.MaxValue)
        {
            throw new CheckpointException($"{path}: the storage '{storage.Key}' is {bytes} bytes; storages over 2 GiB are not supported.");
        }

        Tensor t = torch.empty([storage.Numel], storage.Type.Dtype).DetachFromDisposeScope();
        storage.Materialised = t;
        if (bytes == 0)
        {
            return;
        }

        Span<byte> data = t.bytes;
        if (source.ReadAtLeast(data, (int)bytes, throwOnEndOfStream: false) < bytes)
        {
            throw new CheckpointException($"{path}: the data of storage '{storage.Key}' ends early; the file is truncated. Copy or download it again.");
        }

        if (!littleEndian)
        {
            SwapBytes(data, storage.Type);
        }
    }

    private static void SwapBytes(Span<byte> data, StorageType type)
    {
        bool complex = type.Dtype is ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64;
        int width = complex ? type.ElementSize / 2 : type.ElementSize;
        if (width > 1)
        {
            for (int i = 0; i + width <= data.Length; i += width)
            {
                data.Slice(i, width).Reverse();
            }
        }
    }
}
