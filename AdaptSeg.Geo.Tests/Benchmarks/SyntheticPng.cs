using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Tests.Benchmarks;

/// <summary>Writes the small PNGs the GTA5/Cityscapes tests lay out in the original folder structure.</summary>
internal static class SyntheticPng
{
    /// <summary>An RGB PNG whose pixel (x, y) has colour <paramref name="colour"/>(x, y).</summary>
    public static void Rgb(string path, int width, int height, Func<int, int, (byte R, byte G, byte B)> colour)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                (byte r, byte g, byte b) = colour(x, y);
                image[x, y] = new Rgb24(r, g, b);
            }
        }

        image.SaveAsPng(path);
    }

    /// <summary>An 8-bit grey PNG (how Cityscapes stores <c>*_gtFine_labelIds.png</c>).</summary>
    public static void Grey(string path, int width, int height, Func<int, int, byte> value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var values = new byte[width * height];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = value(i % width, i / width);
        }

        using Image<L8> image = Image.LoadPixelData<L8>(values, width, height);
        image.SaveAsPng(path);
    }

    /// <summary>
    /// An 8-bit palette PNG whose indices are <paramref name="index"/>(x, y) (how GTA5 stores its labels),
    /// written chunk by chunk so the indices are exactly the ones given. Palette entry i has the colour
    /// (i, 255 - i, 7·i mod 256), so colours and indices differ.
    /// </summary>
    public static void Palette(string path, int width, int height, Func<int, int, byte> index)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 3; // colour type: palette
        Chunk(file, "IHDR", header);
        var palette = new byte[256 * 3];
        for (int i = 0; i < 256; i++)
        {
            palette[3 * i] = (byte)i;
            palette[3 * i + 1] = (byte)(255 - i);
            palette[3 * i + 2] = (byte)(7 * i);
        }

        Chunk(file, "PLTE", palette);
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                for (int x = 0; x < width; x++)
                {
                    zlib.WriteByte(index(x, y));
                }
            }
        }

        Chunk(file, "IDAT", raw.ToArray());
        Chunk(file, "IEND", []);
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(typeBytes.Concat(data).ToArray());
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        stream.Write(crcBytes);
    }
}
