using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using AdaptSeg.Geo.Tests.TestSupport;
using Xunit.Abstractions;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>
/// Hostile and damaged checkpoints read by the built CLI in child processes (<see cref="ChildReader"/>: at most
/// 1.5 GB resident and 20 s each): every read must end in exit 0 or 2, never 1, a crash, a timeout or the memory cap.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CheckpointFuzzTests(ITestOutputHelper log)
{
    private const int Mutations = 300;
    private const int Seed = 20261201;

    private static readonly string[] Fixtures =
    [
        "fc_discriminator_19c_formula.pth",
        "deeplab_init_partial_scale_prefix_legacy.pth",
        "fc_discriminator_19c_formula_legacy.pth",
    ];

    [Fact]
    public void ModelInfo_EachCraftedClass_ExpectedExitWithinCaps()
    {
        using var temp = new TempDirectory();
        var results = new ConcurrentDictionary<int, ChildReader.Result>();
        Parallel.For(0, HostileCheckpoints.All.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            string file = temp.File($"crafted{i}.pth");
            HostileCheckpoints.All[i].Write(file);
            results[i] = ChildReader.ModelInfo(file);
            File.Delete(file);
        });

        var table = new StringBuilder("| crafted checkpoint | exit | peak RSS | wall |\n|---|---|---|---|\n");
        var failures = new List<string>();
        for (int i = 0; i < HostileCheckpoints.All.Count; i++)
        {
            HostileCheckpoints.Case c = HostileCheckpoints.All[i];
            ChildReader.Result r = results[i];
            table.Append(CultureInfo.InvariantCulture, $"| {c.Name} | {(r.Killed is null ? r.ExitCode.ToString(CultureInfo.InvariantCulture) : "killed")} | {r.PeakRssBytes / 1e6:F0} MB | {r.Wall.TotalSeconds:F1} s |\n");
            string message = c.ExpectedExit == 0 ? r.Output : r.Error;
            if (r.Killed is not null || r.ExitCode != c.ExpectedExit || !message.Contains(c.ExpectedMessage, StringComparison.OrdinalIgnoreCase)
                || (c.ExpectedExit == 2 && !r.Error.Contains($"crafted{i}.pth", StringComparison.Ordinal)))
            {
                failures.Add($"{c.Name}: expected exit {c.ExpectedExit} with '{c.ExpectedMessage}', got {r.Describe()}; stdout: {Clip(r.Output)}");
            }
        }

        log.WriteLine(table.ToString());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void ModelInfo_300SeededMutationsOfFixtures_Exit0Or2WithinCaps()
    {
        using var temp = new TempDirectory();
        byte[][] originals = Fixtures.Select(f => File.ReadAllBytes(TestPaths.Fixture(f))).ToArray();
        var failures = new ConcurrentBag<string>();
        var exits = new ConcurrentDictionary<int, int>();
        long peak = 0;
        double slowest = 0;
        object gate = new();
        Parallel.For(0, Mutations, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            int fixture = i % Fixtures.Length;
            var random = new Random(Seed + i);
            var (what, bytes) = Mutate(i, originals[fixture], random);
            string file = temp.File($"mutation{i}.pth");
            File.WriteAllBytes(file, bytes);
            ChildReader.Result r = ChildReader.ModelInfo(file);
            File.Delete(file);
            exits.AddOrUpdate(r.Killed is null ? r.ExitCode : -1, 1, (_, n) => n + 1);
            lock (gate)
            {
                peak = Math.Max(peak, r.PeakRssBytes);
                slowest = Math.Max(slowest, r.Wall.TotalSeconds);
            }

            if (!r.Acceptable)
            {
                failures.Add($"mutation {i} of {Fixtures[fixture]} ({what}): {r.Describe()}");
            }
        });

        log.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{Mutations} mutations: {string.Join(", ", exits.OrderBy(kv => kv.Key).Select(kv => $"exit {kv.Key}: {kv.Value}"))}; peak RSS {peak / 1e6:F0} MB; slowest {slowest:F1} s"));
        Assert.True(failures.IsEmpty, string.Join("\n", failures.OrderBy(f => f, StringComparer.Ordinal)));

        // A fuzzer whose mutations are all refused (or all harmless) tests little: both outcomes occur.
        Assert.True(exits.ContainsKey(0) && exits.ContainsKey(2), "expected both readable and refused mutations");
    }

    /// <summary>Mutation <paramref name="i"/>: the same every run (seeded).</summary>
    private static (string What, byte[] Bytes) Mutate(int i, byte[] original, Random random)
    {
        bool zip = original[0] == 'P';
        int kind = i / Fixtures.Length % 6;
        if (zip && kind == 3)
        {
            return EditPickleInZip(original, random);
        }

        if (zip && kind == 4)
        {
            return EditZipEntries(original, random);
        }

        byte[] bytes = (byte[])original.Clone();
        switch (kind)
        {
            case 0 or 3 or 4:
                {
                    int flips = random.Next(1, 17);
                    for (int k = 0; k < flips; k++)
                    {
                        bytes[StructuralPosition(bytes.Length, random)] ^= (byte)random.Next(1, 256);
                    }

                    return ($"{flips} byte flips in the structure", bytes);
                }

            case 1:
                {
                    int length = StructuralPosition(bytes.Length, random);
                    return ($"truncated to {length} bytes", bytes[..length]);
                }

            case 2:
                {
                    int at = StructuralPosition(bytes.Length, random);
                    var insert = new byte[random.Next(1, 65)];
                    random.NextBytes(insert);
                    return ($"{insert.Length} random bytes inserted at {at}", [.. bytes[..at], .. insert, .. bytes[at..]]);
                }

            default:
                {
                    int flips = random.Next(1, 5);
                    for (int k = 0; k < flips; k++)
                    {
                        bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                    }

                    return ($"{flips} byte flips anywhere", bytes);
                }
        }
    }

    /// <summary>Mostly the first or last 64 KiB (pickles, zip headers and central directory), sometimes anywhere.</summary>
    private static int StructuralPosition(int length, Random random) => random.Next(3) switch
    {
        0 => random.Next(Math.Min(length, 1 << 16)),
        1 => length - 1 - random.Next(Math.Min(length, 1 << 16)),
        _ => random.Next(length),
    };

    /// <summary>data.pkl changed (flips, a cut, a repeated run, inserted opcodes) and the archive rewritten with correct CRCs.</summary>
    private static (string What, byte[] Bytes) EditPickleInZip(byte[] original, Random random)
    {
        var entries = ReadEntries(original);
        int index = entries.FindIndex(e => e.Name.EndsWith("data.pkl", StringComparison.Ordinal));
        byte[] pkl = entries[index].Data;
        string what;
        switch (random.Next(4))
        {
            case 0:
                {
                    pkl = (byte[])pkl.Clone();
                    int flips = random.Next(1, 5);
                    for (int k = 0; k < flips; k++)
                    {
                        pkl[random.Next(pkl.Length)] ^= (byte)random.Next(1, 256);
                    }

                    what = $"{flips} flips in data.pkl";
                    break;
                }

            case 1:
                {
                    int at = random.Next(pkl.Length);
                    int count = random.Next(1, Math.Min(64, pkl.Length - at) + 1);
                    pkl = [.. pkl[..at], .. pkl[(at + count)..]];
                    what = $"{count} bytes cut from data.pkl at {at}";
                    break;
                }

            case 2:
                {
                    int at = random.Next(pkl.Length);
                    int count = random.Next(1, Math.Min(256, pkl.Length - at) + 1);
                    int times = random.Next(2, 200);
                    pkl = [.. pkl[..(at + count)], .. Enumerable.Repeat(pkl[at..(at + count)], times).SelectMany(b => b), .. pkl[(at + count)..]];
                    what = $"{count} bytes of data.pkl at {at} repeated {times} times";
                    break;
                }

            default:
                {
                    byte[] opcodes = [.. "()]}ltdsaeu0124hqjgpKMJN."u8, 0x85, 0x86, 0x87, 0x8a, 0x8b, 0x94];
                    int at = random.Next(pkl.Length);
                    var insert = Enumerable.Range(0, random.Next(1, 9)).Select(_ => opcodes[random.Next(opcodes.Length)]).ToArray();
                    pkl = [.. pkl[..at], .. insert, .. pkl[at..]];
                    what = $"{insert.Length} opcodes inserted into data.pkl at {at}";
                    break;
                }
        }

        entries[index] = (entries[index].Name, pkl, false);
        return (what + " (CRC-consistent)", WriteEntries(entries));
    }

    /// <summary>Whole entries removed, renamed, deflated, byteorder changed, or a storage cut short, with correct CRCs.</summary>
    private static (string What, byte[] Bytes) EditZipEntries(byte[] original, Random random)
    {
        var entries = ReadEntries(original);
        int pick = random.Next(entries.Count);
        string what;
        switch (random.Next(5))
        {
            case 0:
                what = $"entry {entries[pick].Name} removed";
                entries.RemoveAt(pick);
                break;
            case 1:
                what = $"entry {entries[pick].Name} renamed";
                entries[pick] = (entries[pick].Name + "x", entries[pick].Data, false);
                break;
            case 2:
                what = "every entry deflated";
                entries = entries.Select(e => (e.Name, e.Data, true)).ToList();
                break;
            case 3:
                {
                    string order = random.Next(3) switch { 0 => "big", 1 => "middle", _ => "little\n" };
                    what = $"byteorder '{order.Trim()}'";
                    int at = entries.FindIndex(e => e.Name.EndsWith("byteorder", StringComparison.Ordinal));
                    var entry = ("archive/byteorder", Encoding.ASCII.GetBytes(order), false);
                    if (at < 0)
                    {
                        entries.Add(entry);
                    }
                    else
                    {
                        entries[at] = entry;
                    }

                    break;
                }

            default:
                {
                    int cut = random.Next(entries[pick].Data.Length + 1);
                    what = $"entry {entries[pick].Name} cut to {cut} bytes";
                    entries[pick] = (entries[pick].Name, entries[pick].Data[..cut], false);
                    break;
                }
        }

        return (what + " (CRC-consistent)", WriteEntries(entries));
    }

    private static List<(string Name, byte[] Data, bool Deflate)> ReadEntries(byte[] zipBytes)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        return zip.Entries.Select(e =>
        {
            using Stream s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return (e.FullName, m.ToArray(), false);
        }).ToList();
    }

    private static byte[] WriteEntries(List<(string Name, byte[] Data, bool Deflate)> entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data, deflate) in entries)
            {
                using Stream s = zip.CreateEntry(name, deflate ? CompressionLevel.Fastest : CompressionLevel.NoCompression).Open();
                s.Write(data);
            }
        }

        return buffer.ToArray();
    }

    private static string Clip(string s) => s.Length > 300 ? s[..300] + "..." : s;
}
