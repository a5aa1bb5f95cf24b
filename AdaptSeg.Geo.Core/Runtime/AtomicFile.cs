using System.Text;

namespace AdaptSeg.Geo.Runtime;

/// <summary>
/// The one way the library writes a whole file (reports, manifests, logs, PNGs, checkpoints): into
/// a hidden temporary file beside the destination, flushed to disk, then renamed over it. A reader
/// sees the old file or the new one, never a part; on any failure (a full disk, an exception while
/// writing, cancellation) the temporary file is removed and the destination is left as it was.
/// </summary>
/// <remarks>
/// Rasters written through GDAL, whose sidecars and all-or-nothing sets need more, go through
/// <see cref="Raster.PendingOutput"/> instead.
/// </remarks>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, which gets the temporary file's stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temporary = TemporaryPath(full);
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // gone already after the rename; removes a part written before a failure
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark).</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream => stream.Write(Utf8.GetBytes(text)));
    }

    /// <summary>Writes <paramref name="bytes"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The hidden temporary name used for <paramref name="fullPath"/>: <c>.name.PID-random.partial</c> in the same folder (one file system, so the rename is atomic).</summary>
    public static string TemporaryPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}-{Guid.NewGuid():N}.partial");
}
