using System.Buffers.Binary;
using Google.Protobuf;
using TorchSharp.Modules;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// TensorBoard event files in the run folder, beside log.jsonl, written through TorchSharp's own
/// <c>torch.utils.tensorboard.SummaryWriter</c>: per iteration every active loss term
/// (<c>loss/segMain</c> ...), the learning rates (<c>learning_rate/backbone</c>, <c>/heads</c>,
/// <c>/discriminator</c>) and the seconds the iteration took (<c>time/seconds_per_iteration</c>), at
/// step = iterations done (the log's 0-based <c>iteration</c> + 1); at each checkpoint the quicklook
/// PNG as an image at step = the checkpoint's iteration. <c>tensorboard --logdir runs/</c> shows each
/// run folder as a run.
/// </summary>
/// <remarks>
/// A resumed run must not show the iterations after its checkpoint twice. <see cref="Open"/> first
/// cuts every event file of the folder at its first record past the resume step (or a record that
/// is cut short or fails its CRC, as a crash leaves it) and removes files left with nothing but
/// their header; TorchSharp then starts a new file, so the steps on disk stay unique and increasing.
/// </remarks>
public sealed class TensorBoardLog
{
    /// <summary>How TensorBoard event files are named (TorchSharp's SummaryWriter, as TensorFlow's).</summary>
    public const string FilePrefix = "events.out.tfevents.";

    /// <summary>Records larger than this are not events we wrote (a quicklook PNG is well under it).</summary>
    private const long MaxRecordBytes = 64L << 20;

    private readonly SummaryWriter writer;

    private TensorBoardLog(SummaryWriter writer) => this.writer = writer;

    /// <summary>The event files of <paramref name="folder"/>, oldest first (names carry the creation time).</summary>
    public static IReadOnlyList<string> EventFiles(string folder) =>
        Directory.Exists(folder) ? [.. Directory.GetFiles(folder, FilePrefix + "*").Order(StringComparer.Ordinal)] : [];

    /// <summary>
    /// Opens the log of a run in <paramref name="folder"/> that continues after
    /// <paramref name="completedIterations"/> iterations (0 for a new run): events past that step are
    /// cut from the files already there (see the remarks), then a new file is started.
    /// </summary>
    public static TensorBoardLog Open(string folder, int completedIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        foreach (string file in EventFiles(folder))
        {
            TruncateAfter(file, completedIterations);
        }

        return new TensorBoardLog(TorchSharp.torch.utils.tensorboard.SummaryWriter(folder));
    }

    /// <summary>Writes one iteration's scalars; <paramref name="iteration"/> is 0-based, as in log.jsonl.</summary>
    public void Iteration(int iteration, IReadOnlyList<(string Name, double Value)> losses, IReadOnlyList<(string Name, double Value)> learningRates, double seconds)
    {
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentNullException.ThrowIfNull(learningRates);
        int step = iteration + 1;
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var (name, value) in losses)
        {
            writer.add_scalar("loss/" + name, (float)value, step, now);
        }

        foreach (var (name, value) in learningRates)
        {
            writer.add_scalar("learning_rate/" + name, (float)value, step, now);
        }

        writer.add_scalar("time/seconds_per_iteration", (float)seconds, step, now);
    }

    /// <summary>Writes the PNG at <paramref name="pngPath"/> as image <paramref name="tag"/> at <paramref name="step"/> (iterations done).</summary>
    public void Image(string tag, string pngPath, int step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        writer.add_img(tag, pngPath, step, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    /// <summary>
    /// Cuts <paramref name="file"/> at its first record whose step is past <paramref name="step"/>, or
    /// that is cut short, too large or fails its CRC; deletes it when only its header (or nothing) is left.
    /// </summary>
    public static void TruncateAfter(string file, int step)
    {
        long keep = 0;
        int kept = 0;
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            Span<byte> header = stackalloc byte[12];
            Span<byte> footer = stackalloc byte[4];
            while (true)
            {
                long start = stream.Position;
                if (stream.Read(header) < header.Length)
                {
                    break;
                }

                ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
                if (length > MaxRecordBytes || start + 16 + (long)length > stream.Length
                    || MaskedCrc(TorchSharp.Utils.CRC32C.process((long)length)) != BinaryPrimitives.ReadUInt32LittleEndian(header[8..]))
                {
                    break;
                }

                var data = new byte[length];
                stream.ReadExactly(data);
                stream.ReadExactly(footer);
                if (MaskedCrc(TorchSharp.Utils.CRC32C.process(data)) != BinaryPrimitives.ReadUInt32LittleEndian(footer))
                {
                    break;
                }

                Tensorboard.Event e;
                try
                {
                    e = Tensorboard.Event.Parser.ParseFrom(data);
                }
                catch (InvalidProtocolBufferException)
                {
                    break;
                }

                if (e.Step > step)
                {
                    break;
                }

                keep = stream.Position;
                kept++;
            }

            if (keep < stream.Length)
            {
                stream.SetLength(keep);
            }
        }

        if (kept <= 1)
        {
            File.Delete(file); // nothing but the file-version header: an empty log
        }
    }

    /// <summary>TFRecord's masked CRC: rotate right by 15 bits and add a constant.</summary>
    private static uint MaskedCrc(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8U;
}
