using System.IO.Compression;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// Reads one zip entry of an untrusted checkpoint: its declared size is checked against the budget before
/// anything is read, no more than that many bytes are ever decompressed, and at the end of the entry its length
/// and CRC-32 must match what the archive declares ("the file is damaged" otherwise).
/// </summary>
internal sealed class ZipEntryReader : IDisposable
{
    private readonly ZipArchiveEntry entry;
    private readonly CheckpointBudget budget;
    private readonly Stream inner;
    private readonly byte[] scratch = new byte[1];
    private readonly System.IO.Hashing.Crc32 crc = new();
    private long read;
    private bool verified;

    public ZipEntryReader(ZipArchiveEntry entry, CheckpointBudget budget, long fileSize)
    {
        this.entry = entry;
        this.budget = budget;
        budget.CheckEntry(entry.FullName, entry.Length, entry.CompressedLength, fileSize);
        Length = entry.Length;
        try
        {
            inner = entry.Open();
        }
        catch (InvalidDataException e)
        {
            throw Damaged($"it cannot be opened ({e.Message})", e);
        }
    }

    /// <summary>The entry's declared uncompressed size.</summary>
    public long Length { get; }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes (fewer only at the declared end).</summary>
    public int ReadAtMost(Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = ReadSome(destination[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>The whole entry as bytes (its declared size was checked against the budget).</summary>
    public byte[] ReadAll()
    {
        var data = new byte[Length];
        if (ReadAtMost(data) < Length)
        {
            throw Damaged($"it ends after {read} of its declared {Length} bytes");
        }

        VerifyToEnd();
        return data;
    }

    /// <summary>Reads (and checks) the rest of the entry, then its length and CRC-32.</summary>
    public void VerifyToEnd()
    {
        if (verified)
        {
            return;
        }

        var buffer = new byte[1 << 16];
        while (ReadSome(buffer) > 0)
        {
        }

        // ReadSome returned 0: the stream is at its end. One more byte past the declared length means it lied.
        if (read != Length)
        {
            throw Damaged($"it holds {read} bytes but declares {Length}");
        }

        if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
        {
            throw Damaged($"its CRC-32 is {crc.GetCurrentHashAsUInt32():x8} but the archive records {entry.Crc32:x8}");
        }

        verified = true;
    }

    public void Dispose() => inner.Dispose();

    private int ReadSome(Span<byte> destination)
    {
        int n;
        try
        {
            if (read >= Length)
            {
                // Probe one byte: a stream that goes on past its declared size is damaged (or a bomb).
                n = inner.Read(scratch, 0, 1);
                if (n > 0)
                {
                    throw Damaged($"it decompresses to more than its declared {Length} bytes");
                }

                return 0;
            }

            int want = (int)Math.Min(destination.Length, Length - read);
            n = inner.Read(destination[..want]);
        }
        catch (InvalidDataException e)
        {
            throw Damaged($"its data cannot be decompressed ({e.Message})", e);
        }

        crc.Append(destination[..n]);
        read += n;
        budget.ChargeBytes(n);
        return n;
    }

    private CheckpointException Damaged(string problem, Exception? inner = null)
    {
        string message = $"{budget.File}: the zip entry '{entry.FullName}' is damaged: {problem}; the file is damaged. Copy or download it again.";
        return inner is null ? new CheckpointException(message) : new CheckpointException(message, inner);
    }
}
