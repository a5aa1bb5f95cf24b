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
/// Tensors are created on the CPU whatever device they were saved from. <c>.safetensors</c> files
/// (told apart by their first bytes) are read too, within the same budgets, with
/// <see cref="SafetensorsReader"/>.
/// </summary>
public static class CheckpointReader
{
    /// <summary>Fills the span as far as the source goes; returns the bytes read.</summary>
    private delegate int SpanReader(Span<byte> destination);

    /// <summary>Deeper nesting (or a value containing itself) is refused rather than recursed into.</summary>
    private const int MaxNesting = 100;

    /// <summary>The legacy format's first pickle: <c>torch.serialization.MAGIC_NUMBER</c>.</summary>
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950a86a20f9469cfc6c", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Longest path shown in messages for a nested value; deeper paths are cut (they only serve messages).</summary>
    private const int MaxWhere = 300;

    /// <summary>
    /// Reads the checkpoint at <paramref name="path"/> within <see cref="CheckpointLimits.FromEnvironment"/> (the documented
    /// defaults, or <c>ADAPTSEG_CHECKPOINT_LIMITS</c>). The caller owns (and disposes) the result.
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, truncated, damaged, not a checkpoint, beyond a limit, or references a forbidden global.</exception>
    public static Checkpoint Read(string path) => Read(path, CheckpointLimits.FromEnvironment());

    /// <summary>Reads the checkpoint at <paramref name="path"/> within <paramref name="limits"/>. The caller owns (and disposes) the result.</summary>
    /// <exception cref="CheckpointException">The file is missing, truncated, damaged, not a checkpoint, beyond a limit, or references a forbidden global.</exception>
    public static Checkpoint Read(string path, CheckpointLimits limits)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(limits);
        if (!File.Exists(path))
        {
            throw new CheckpointException($"{path}: no such checkpoint file. Check the path.");
        }

        var budget = new CheckpointBudget(path, limits);

        // Whole storages, keyed as in the file; each tensor is built from one of them, and they are released here.
        var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        try
        {
            return DetectFormat(path) switch
            {
                CheckpointFormat.Zip => ReadZip(path, storages, budget),
                CheckpointFormat.Safetensors => SafetensorsReader.Read(path, budget),
                _ => ReadLegacy(path, storages, budget),
            };
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException($"{path}: the file ends early ({e.Message}); it is truncated. Copy or download it again.", e);
        }
        catch (IOException e)
        {
            throw new CheckpointException($"{path}: could not be read: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException($"{path}: the zip archive is damaged ({e.Message}); the file is truncated or corrupt. Copy or download it again.", e);
        }
        catch (NotSupportedException e)
        {
            // System.IO.Compression: an entry compressed with a method other than stored or deflate, say.
            throw new CheckpointException($"{path}: the zip archive uses a feature this reader does not support ({e.Message}); torch.save writes stored entries. Re-save the checkpoint with torch.save.", e);
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
    /// <exception cref="CheckpointException">The file is neither a zip archive, a safetensors file nor a legacy pickle stream.</exception>
    public static CheckpointFormat DetectFormat(string path)
    {
        Span<byte> head = stackalloc byte[512];
        int n;
        long size;
        using (var f = File.OpenRead(path))
        {
            size = f.Length;
            n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
        {
            return CheckpointFormat.Zip;
        }

        // An 8-byte length that fits the file, then the JSON header's '{'. A legacy file's byte 8 is inside
        // its magic number (0xf9), so the two cannot be confused.
        if (SafetensorsReader.LooksLike(head[..n], size))
        {
            return CheckpointFormat.Safetensors;
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
                : $"{path}: not a PyTorch checkpoint (neither the zip format of torch.save, the legacy pickle format, nor safetensors).");
    }

    private static Checkpoint ReadZip(string path, Dictionary<string, StorageRef> storages, CheckpointBudget budget)
    {
        long fileSize = new FileInfo(path).Length;
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
            // "little" or "big": checked by its declared size before anything is decompressed.
            if (order.Length > 16)
            {
                throw new CheckpointException($"{path}: the byteorder entry declares {order.Length} bytes; it should hold 'little' or 'big'. The file is corrupt.");
            }

            using var reader = new ZipEntryReader(order, budget, fileSize);
            string text = System.Text.Encoding.ASCII.GetString(reader.ReadAll()).Trim();
            littleEndian = text switch
            {
                "little" => true,
                "big" => false,
                _ => throw new CheckpointException($"{path}: unknown byteorder '{text}' in the archive; it should be 'little' or 'big'. The file is corrupt."),
            };
        }

        object? root;
        using (var pklReader = new ZipEntryReader(pickles[0], budget, fileSize))
        {
            if (pklReader.Length > Array.MaxLength)
            {
                throw new CheckpointException($"{path}: data.pkl declares {pklReader.Length} bytes, more than one pickle can hold; the file is corrupt.");
            }

            using var pkl = new MemoryStream(pklReader.ReadAll(), writable: false);
            root = new PickleReader(pkl, budget, id => ZipPersistentLoad(path, id, storages)).Load();
        }

        Plan(path, root, storages, budget);
        foreach (StorageRef storage in storages.Values)
        {
            ZipArchiveEntry entry = zip.GetEntry(prefix + "data/" + storage.Key)
                ?? throw new CheckpointException($"{path}: the storage '{storage.Key}' named in data.pkl is missing from the archive; the file is truncated or corrupt.");
            long bytes = storage.Numel * storage.Type.ElementSize;
            if (entry.Length < bytes)
            {
                throw new CheckpointException($"{path}: the storage '{storage.Key}' holds {entry.Length} bytes but {bytes} are needed; the file is truncated or corrupt.");
            }

            using var s = new ZipEntryReader(entry, budget, fileSize);
            ReadStorage(path, s.ReadAtMost, storage, littleEndian, budget);
            s.VerifyToEnd();
        }

        return Build(path, CheckpointFormat.Zip, root, budget);
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

    private static Checkpoint ReadLegacy(string path, Dictionary<string, StorageRef> storages, CheckpointBudget budget)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        object? NoPersistent(object? id) =>
            throw new CheckpointException($"{path}: a persistent id appears in the legacy header; the file is corrupt.");

        object? magic = new PickleReader(file, budget, NoPersistent).Load();
        if (magic is not BigInteger m || m != LegacyMagic)
        {
            throw new CheckpointException($"{path}: not a PyTorch checkpoint (the legacy magic number is missing).");
        }

        object? protocol = new PickleReader(file, budget, NoPersistent).Load();
        if (protocol is not 1001L)
        {
            throw new CheckpointException($"{path}: legacy protocol version {protocol} is not supported (expected 1001).");
        }

        object? sysInfo = new PickleReader(file, budget, NoPersistent).Load();
        bool littleEndian = sysInfo is not PickleDict info
            || !info.Items.Any(kv => kv.Key is "little_endian" && kv.Value is false);

        object? root = new PickleReader(file, budget, id => LegacyPersistentLoad(path, id, storages)).Load();

        object? keyList = new PickleReader(file, budget, NoPersistent).Load();
        if (keyList is not List<object?> keys || keys.Any(k => k is not string))
        {
            throw new CheckpointException($"{path}: the legacy storage-key list is missing or malformed; the file is corrupt.");
        }

        Plan(path, root, storages, budget);
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

            ReadStorage(path, span => file.ReadAtLeast(span, span.Length, throwOnEndOfStream: false), storage, littleEndian, budget);
        }

        StorageRef? unread = storages.Values.FirstOrDefault(s => s.Root is null && s.Materialised is null);
        if (unread is not null)
        {
            throw new CheckpointException($"{path}: the pickle uses storage '{unread.Key}' but the file holds no data for it; the file is truncated or corrupt.");
        }

        return Build(path, CheckpointFormat.Legacy, root, budget);
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

    private static Checkpoint Build(string path, CheckpointFormat format, object? root, CheckpointBudget budget)
    {
        if (root is not PickleDict dict)
        {
            throw new CheckpointException($"{path}: the checkpoint holds a {root?.GetType().Name ?? "None"} at the top level, not a dict; it is not a state-dict checkpoint.");
        }

        var owned = new List<Tensor>();
        try
        {
            var entries = (IReadOnlyDictionary<string, object?>)Convert(path, dict, "", owned, 0, budget)!;
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

    private static object? Convert(string path, object? value, string where, List<Tensor> owned, int depth, CheckpointBudget budget)
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
                    string child = Child(where, where.Length == 0 ? name : "." + name);
                    if (!entries.TryAdd(name, Convert(path, item, child, owned, depth + 1, budget)))
                    {
                        throw new CheckpointException($"{path}: the key '{child}' appears twice (as text); this checkpoint mixes string and integer keys.");
                    }
                }

                return entries;
            case PickleTuple tuple:
                return ConvertItems(path, tuple.Items, where, owned, depth, budget);
            case List<object?> list:
                return ConvertItems(path, list, where, owned, depth, budget);
            case TensorSpec spec:
                Tensor tensor = BuildTensor(path, spec, where, budget);
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

    /// <summary>
    /// Walks the decoded value as <see cref="Convert"/> will, before any tensor is allocated: counts the values that
    /// will be built (a shared value as often as it is copied) and checks every tensor view, then charges the elements
    /// of every storage and of every tensor copied out of one. A file beyond a budget is refused here, having allocated
    /// nothing but its pickle.
    /// </summary>
    private static void Plan(string path, object? root, Dictionary<string, StorageRef> storages, CheckpointBudget budget)
    {
        long copies = 0;

        // Each pending value keeps its parent's path and its own step; its path text is made when it is visited.
        var pending = new Stack<(object? Value, string Parent, object? Step, int Depth)>();
        pending.Push((root, "", null, 0));
        while (pending.Count > 0)
        {
            var (value, parent, step, depth) = pending.Pop();
            string where = step switch
            {
                null => parent,
                int i => Child(parent, $"[{i}]"),
                _ => Child(parent, (parent.Length == 0 ? "" : ".") + step),
            };
            if (depth > MaxNesting)
            {
                throw new CheckpointException($"{path}: values nest deeper than {MaxNesting} levels at '{where[..Math.Min(where.Length, 200)]}' (or refer to themselves); the file is corrupt or malicious.");
            }

            budget.ChargeMaterialised(where);
            switch (value)
            {
                case PickleDict dict:
                    foreach (var (key, item) in dict.Items.Reverse())
                    {
                        pending.Push((item, where, key as string ?? key.ToString() ?? "", depth + 1));
                    }

                    break;
                case PickleTuple tuple:
                    PushItems(pending, tuple.Items, where, depth);
                    break;
                case List<object?> list:
                    PushItems(pending, list, where, depth);
                    break;
                case TensorSpec spec:
                    long numel = CheckView(path, spec, where);
                    StorageRef owner = spec.Storage.Root ?? spec.Storage;
                    if (numel > 0 && !IsWholeStorage(spec, owner))
                    {
                        copies = SaturatingAdd(copies, numel);
                    }

                    break;
            }
        }

        long stored = 0;
        foreach (StorageRef storage in storages.Values.Where(s => s.Root is null))
        {
            stored = SaturatingAdd(stored, storage.Numel);
        }

        budget.ChargeElements(stored, $"the file's {storages.Count} storages");
        budget.ChargeElements(copies, "the tensors copied out of shared storages");
    }

    private static void PushItems(Stack<(object? Value, string Parent, object? Step, int Depth)> pending, IReadOnlyList<object?> items, string where, int depth)
    {
        for (int i = items.Count - 1; i >= 0; i--)
        {
            pending.Push((items[i], where, i, depth + 1));
        }
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>Checks a view against its storage and returns its element count; see <see cref="BuildTensor"/>.</summary>
    private static long CheckView(string path, TensorSpec spec, string where)
    {
        long start = spec.Storage.ViewOffset + spec.Offset;
        long limit = spec.Storage.ViewOffset + spec.Storage.Numel;
        string shape = $"size [{string.Join(", ", spec.Size.Take(8))}{(spec.Size.Length > 8 ? ", ..." : "")}]";
        if (spec.Size.Any(s => s < 0) || spec.Stride.Any(s => s < 0) || spec.Offset < 0)
        {
            throw new CheckpointException($"{path}: tensor '{where}' has a negative size, stride or offset; the file is corrupt.");
        }

        if (spec.Size.Length > 64)
        {
            throw new CheckpointException($"{path}: tensor '{where}' has {spec.Size.Length} dimensions (PyTorch allows 64); the file is corrupt.");
        }

        if (spec.Size.Any(s => s == 0))
        {
            return 0;
        }

        long numel = 1;
        foreach (long s in spec.Size)
        {
            if (s > long.MaxValue / numel)
            {
                throw new CheckpointException($"{path}: tensor '{where}' ({shape}) has more elements than a 64-bit count holds; the file is corrupt or malicious.");
            }

            numel *= s;
        }

        for (int d = 0; d < spec.Size.Length; d++)
        {
            if (spec.Stride[d] == 0 && spec.Size[d] > 1)
            {
                throw new CheckpointException(
                    $"{path}: tensor '{where}' ({shape}) repeats its data with a zero stride in dimension {d}; such views (expand()) are refused, " +
                    "since copying them can take far more memory than the file. Save tensor.contiguous() instead.");
            }
        }

        if (numel > spec.Storage.Numel)
        {
            throw new CheckpointException(
                $"{path}: tensor '{where}' ({shape}, {numel} elements) is larger than its storage '{spec.Storage.Key}' of {spec.Storage.Numel} elements " +
                "(overlapping strides); a view must fit in its storage. The file is corrupt or malicious.");
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
                $"{path}: tensor '{where}' ({shape}, offset {spec.Offset}) reaches element {last} of storage '{spec.Storage.Key}', which ends at {limit}; the file is corrupt.");
        }

        return numel;
    }

    /// <summary>Whether the view is its whole root storage in row-major order (then it is used as is, not copied).</summary>
    private static bool IsWholeStorage(TensorSpec spec, StorageRef root)
    {
        long start = spec.Storage.ViewOffset + spec.Offset;
        long numel = 1;
        long expected = 1;
        for (int d = spec.Size.Length - 1; d >= 0; d--)
        {
            numel *= spec.Size[d];
            if (spec.Size[d] != 1)
            {
                if (spec.Stride[d] != expected)
                {
                    return false;
                }

                expected *= spec.Size[d];
            }
        }

        return start == 0 && numel == root.Numel;
    }

    private static List<object?> ConvertItems(string path, IReadOnlyList<object?> items, string where, List<Tensor> owned, int depth, CheckpointBudget budget)
    {
        var result = new List<object?>(Math.Min(items.Count, 1 << 16));
        for (int i = 0; i < items.Count; i++)
        {
            result.Add(Convert(path, items[i], Child(where, $"[{i}]"), owned, depth + 1, budget));
        }

        return result;
    }

    /// <summary>A nested value's path for messages, cut to <see cref="MaxWhere"/> characters.</summary>
    private static string Child(string where, string step)
    {
        if (where.Length >= MaxWhere)
        {
            return where;
        }

        string path = where + step;
        return path.Length <= MaxWhere ? path : path[..MaxWhere] + "...";
    }

    /// <summary>Builds a tensor whose view <see cref="Plan"/> has checked (and whose copy it has charged).</summary>
    private static Tensor BuildTensor(string path, TensorSpec spec, string where, CheckpointBudget budget)
    {
        StorageRef root = spec.Storage.Root ?? spec.Storage;
        long start = spec.Storage.ViewOffset + spec.Offset;
        ScalarType dtype = root.Type.Dtype;
        if (CheckView(path, spec, where) == 0)
        {
            return torch.empty(spec.Size, dtype).DetachFromDisposeScope();
        }

        Tensor whole = root.Materialised!;
        if (IsWholeStorage(spec, root))
        {
            return whole.view(spec.Size).DetachFromDisposeScope();
        }

        using Tensor view = whole.as_strided(spec.Size, spec.Stride, start);
        return view.clone().DetachFromDisposeScope();
    }

    /// <summary>Reads a root storage's bytes straight into a new 1-D tensor (no intermediate copy), its elements charged first.</summary>
    private static void ReadStorage(string path, SpanReader source, StorageRef storage, bool littleEndian, CheckpointBudget budget)
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
        if (source(data[..(int)bytes]) < bytes)
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
