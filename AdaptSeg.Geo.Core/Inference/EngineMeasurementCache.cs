using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// The speed measurements behind <see cref="AutoEngineFactory"/>'s choices, kept beside the model
/// as <c>&lt;model&gt;.engine.json</c>. An entry holds for one model file (its SHA-256, size and
/// modification time), one CPU (its instruction-set line), one thread count, one tile size and
/// one pair of engine versions; anything else is measured again. Written atomically
/// (<see cref="AtomicFile"/>); a file that cannot be read or written is reported, never fatal.
/// </summary>
public static class EngineMeasurementCache
{
    public const string Format = "adaptseg-engine-measurements";
    public const int Version = 1;

    /// <summary>Largest cache file read; a real one holds a few entries of a few hundred bytes.</summary>
    public const long MaximumBytes = 1 << 20;

    /// <summary>Entries kept (the newest); older ones are dropped when a new one is written.</summary>
    public const int MaximumEntries = 16;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The cache file of <paramref name="modelPath"/>: the same name with <c>.engine.json</c> appended, in the same folder.</summary>
    public static string PathFor(string modelPath) => Path.GetFullPath(modelPath) + ".engine.json";

    /// <summary>What a measurement depends on.</summary>
    public sealed record Key(string ModelSha256, long ModelBytes, long ModelModifiedUtcTicks, string Cpu, int Threads, int TileSize, string Engines)
    {
        /// <summary>The key of <paramref name="modelPath"/> as it is now, on this machine.</summary>
        public static Key For(string modelPath, int threads, int tileSize, string engines)
        {
            var info = new FileInfo(modelPath);
            string hash;
            using (var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            {
                hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            }

            CpuInstructionSet cpu = CpuInstructionSet.Current;
            return new Key(hash, info.Length, info.LastWriteTimeUtc.Ticks, $"{cpu.ModelName}; {string.Join(' ', cpu.Flags)}; {Environment.ProcessorCount} logical CPUs",
                threads, tileSize, engines);
        }
    }

    /// <summary>One measurement: milliseconds per tile of each engine (by name), and when.</summary>
    public sealed record Entry(Key Key, IReadOnlyDictionary<string, double> MsPerTile, DateTime MeasuredUtc);

    private sealed record FileContent(string Format, int Version, IReadOnlyList<Entry> Entries);

    /// <summary>The entry for <paramref name="key"/> in <paramref name="path"/>, or null; and a note when the file exists but cannot be used.</summary>
    public static (Entry? Entry, string? Problem) Find(string path, Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (entries, problem) = ReadAll(path);
        return (entries.LastOrDefault(e => e.Key == key), problem);
    }

    /// <summary>Adds <paramref name="entry"/> (replacing one with the same key) and writes the file atomically; returns null, or why it could not be written.</summary>
    public static string? Store(string path, Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (entries, _) = ReadAll(path);
        var kept = entries.Where(e => e.Key != entry.Key).Append(entry).TakeLast(MaximumEntries).ToList();
        try
        {
            AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new FileContent(Format, Version, kept), Json));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"could not write '{path}' ({e.Message})";
        }
    }

    private static (IReadOnlyList<Entry> Entries, string? Problem) ReadAll(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return ([], null);
            }

            if (info.Length > MaximumBytes)
            {
                return ([], $"'{path}' is {info.Length} bytes, more than a measurement cache holds; it is ignored");
            }

            FileContent? content = JsonSerializer.Deserialize<FileContent>(File.ReadAllText(path), Json);
            if (content is null || content.Format != Format || content.Version != Version || content.Entries is null)
            {
                return ([], $"'{path}' is not a version-{Version} measurement cache; it is ignored");
            }

            return (content.Entries.Where(e => e?.Key is not null && e.MsPerTile is not null).ToList(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return ([], $"'{path}' cannot be read ({e.Message}); it is ignored");
        }
    }
}
