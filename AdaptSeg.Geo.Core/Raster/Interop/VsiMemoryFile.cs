using System.Runtime.InteropServices;
using System.Text;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>Text files in GDAL's <c>/vsimem/</c> file system (a VRT to edit before it is opened).</summary>
internal static class VsiMemoryFile
{
    /// <summary>The UTF-8 text of <paramref name="path"/>; throws when there is no such in-memory file.</summary>
    public static string ReadAllText(string path)
    {
        Gdal.Initialize();
        IntPtr buffer = GdalNative.VSIGetMemFileBuffer(path, out ulong length, 0);
        if (buffer == IntPtr.Zero || length > int.MaxValue)
        {
            throw new FileNotFoundException($"GDAL has no in-memory file '{path}'.", path);
        }

        return Marshal.PtrToStringUTF8(buffer, (int)length);
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/>, replacing it.</summary>
    public static void WriteAllText(string path, string text)
    {
        Gdal.Initialize();
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        IntPtr file = GdalNative.VSIFOpenL(path, "wb");
        if (file == IntPtr.Zero)
        {
            throw new IOException($"GDAL could not create the in-memory file '{path}'.");
        }

        nuint written;
        unsafe
        {
            fixed (byte* data = bytes)
            {
                written = GdalNative.VSIFWriteL((IntPtr)data, 1, (nuint)bytes.Length, file);
            }
        }

        if (GdalNative.VSIFCloseL(file) != 0 || written != (nuint)bytes.Length)
        {
            throw new IOException($"GDAL could not write the in-memory file '{path}' ({written} of {bytes.Length} bytes).");
        }
    }
}
