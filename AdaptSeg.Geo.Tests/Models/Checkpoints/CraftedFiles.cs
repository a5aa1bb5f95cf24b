using System.IO.Compression;
using System.Text;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>Hand-made checkpoint bytes for the reader's refusal and error tests.</summary>
internal static class CraftedFiles
{
    /// <summary><c>os.system('touch marker')</c> as a protocol-2 pickle: GLOBAL, argument tuple, REDUCE.</summary>
    public static byte[] OsSystemPickle(string marker) => Concat(
        [0x80, 0x02],
        Ascii("cos\nsystem\n"),
        [(byte)'X'], BitConverter.GetBytes(Encoding.UTF8.GetByteCount("touch " + marker)), Encoding.UTF8.GetBytes("touch " + marker),
        [0x85, (byte)'R', (byte)'.']);

    /// <summary>A dict <c>{'w': builtins.eval('1')}</c> via STACK_GLOBAL (protocol 4 style).</summary>
    public static byte[] BuiltinsEvalPickle() => Concat(
        [0x80, 0x04, (byte)'}', (byte)'('],
        [0x8c, 1], Ascii("w"),
        [0x8c, 8], Ascii("builtins"),
        [0x8c, 4], Ascii("eval"),
        [0x93],
        [0x8c, 1], Ascii("1"),
        [0x85, (byte)'R', (byte)'u', (byte)'.']);

    /// <summary>A dict whose value is a list appended to itself (<c>l = []; l.append(l)</c>): a cycle.</summary>
    public static byte[] SelfContainingListPickle() => Concat(
        [0x80, 0x02, (byte)'}', 0x8c, 1], Ascii("x"),
        [(byte)']', (byte)'q', 0, (byte)'h', 0, (byte)'a', (byte)'s', (byte)'.']);

    /// <summary>A zip-format persistent id claiming a storage of 2^62 floats.</summary>
    public static byte[] HugeStoragePickle() => Concat(
        [0x80, 0x02, (byte)'}', 0x8c, 1], Ascii("w"),
        Ascii("ctorch._utils\n_rebuild_tensor_v2\n"),
        [(byte)'(', (byte)'(', 0x8c, 7], Ascii("storage"), Ascii("ctorch\nFloatStorage\n"),
        [0x8c, 1], Ascii("0"), [0x8c, 3], Ascii("cpu"),
        [0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x40],
        [(byte)'t', (byte)'Q', (byte)'K', 0, (byte)')', (byte)')', 0x89, (byte)'N', (byte)'t', (byte)'R', (byte)'s', (byte)'.']);

    /// <summary>A zip archive laid out like torch.save's, holding <paramref name="pickle"/> as data.pkl.</summary>
    public static void WriteZip(string path, byte[] pickle)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
        {
            s.Write(pickle);
        }

        using (var s = zip.CreateEntry("archive/version").Open())
        {
            s.Write(Ascii("3\n"));
        }
    }

    /// <summary>A legacy-format stream: magic number, protocol 1001, sys_info, then <paramref name="mainPickle"/>.</summary>
    public static byte[] Legacy(byte[] mainPickle) => Concat(
        [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.'],
        [0x80, 0x02, (byte)'M', 0xe9, 0x03, (byte)'.'],
        [0x80, 0x02, (byte)'}', (byte)'.'],
        mainPickle);

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
