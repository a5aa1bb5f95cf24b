using System.Security.Cryptography;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>SHA-256 of files taken before a command, to assert afterwards that every input is byte-identical.</summary>
public sealed class FileHashes
{
    private readonly Dictionary<string, string> hashes;

    private FileHashes(Dictionary<string, string> hashes) => this.hashes = hashes;

    /// <summary>Hashes the given files and every file under the given folders (links followed).</summary>
    public static FileHashes Of(params string[] paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p, "*", SearchOption.AllDirectories) : [p]);
        return new FileHashes(files.ToDictionary(f => f, Hash));
    }

    /// <summary>How many files were hashed.</summary>
    public int Count => hashes.Count;

    /// <summary>Asserts every hashed file still exists with the same bytes.</summary>
    public void AssertUnchanged()
    {
        foreach (var (path, hash) in hashes)
        {
            Assert.True(File.Exists(path), $"the input '{path}' is gone");
            Assert.True(Hash(path) == hash, $"the input '{path}' changed");
        }
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
