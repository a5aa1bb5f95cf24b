using System.Buffers.Binary;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// Reads TensorBoard event files as TensorBoard does: TFRecord framing (length, masked CRC-32C of the
/// length, data, masked CRC-32C of the data; our own CRC-32C here, not the writer's) and each record
/// an <c>Event</c> protobuf (the generated class TorchSharp ships). A bad CRC or a record cut short fails.
/// </summary>
public static class TensorBoardEvents
{
    private static readonly uint[] Table = MakeTable();

    /// <summary>One scalar or image of an event file.</summary>
    public sealed record Value(string File, long Step, string Tag, float? Scalar, byte[]? Png);

    /// <summary>Every value of every event file in <paramref name="folder"/>, in file then record order.</summary>
    public static List<Value> ReadFolder(string folder) =>
        [.. Directory.GetFiles(folder, "events.out.tfevents.*").Order(StringComparer.Ordinal).SelectMany(Read)];

    /// <summary>Every value of one event file; the first record must be the file-version header.</summary>
    public static List<Value> Read(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        var values = new List<Value>();
        int offset = 0;
        bool first = true;
        while (offset < bytes.Length)
        {
            Assert.True(offset + 12 <= bytes.Length, $"{file}: a record header is cut short at byte {offset}");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset));
            Assert.Equal(Masked(Crc32C(bytes.AsSpan(offset, 8))), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8)));
            Assert.True(offset + 16 + (long)length <= bytes.Length, $"{file}: a record is cut short at byte {offset}");
            var data = bytes.AsSpan(offset + 12, (int)length);
            Assert.Equal(Masked(Crc32C(data)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + (int)length)));
            var e = Tensorboard.Event.Parser.ParseFrom(data.ToArray()); // TorchSharp's generated class parses only through a stream
            if (first)
            {
                Assert.Equal("brain.Event:2", e.FileVersion);
                first = false;
            }
            else
            {
                Assert.NotNull(e.Summary);
                foreach (var v in e.Summary.Value)
                {
                    values.Add(new Value(file, e.Step, v.Tag,
                        v.ValueCase == Tensorboard.Summary.Types.Value.ValueOneofCase.SimpleValue ? v.SimpleValue : null,
                        v.ValueCase == Tensorboard.Summary.Types.Value.ValueOneofCase.Image ? v.Image.EncodedImageString.ToByteArray() : null));
                }
            }

            offset += 16 + (int)length;
        }

        return values;
    }

    private static uint Masked(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8U;

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78).</summary>
    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
