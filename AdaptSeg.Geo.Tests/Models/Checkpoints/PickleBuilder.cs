using System.Text;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>Writes pickle opcodes by hand, for crafted (hostile or malformed) checkpoints.</summary>
internal sealed class PickleBuilder
{
    private readonly List<byte> bytes = [0x80, 0x02];

    public int Length => bytes.Count;

    public PickleBuilder Op(params byte[] ops)
    {
        bytes.AddRange(ops);
        return this;
    }

    public PickleBuilder Op(char op) => Op((byte)op);

    public PickleBuilder Text(string line) => Op(Encoding.ASCII.GetBytes(line));

    /// <summary>SHORT_BINUNICODE.</summary>
    public PickleBuilder Str(string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        return Op(0x8c, (byte)utf8.Length).Op(utf8);
    }

    /// <summary>LONG1 with 8 bytes, as Python 2 stored sizes and offsets.</summary>
    public PickleBuilder Long(long v) => Op(0x8a, 8).Op(BitConverter.GetBytes(v));

    public PickleBuilder Put(int index) => index < 256 ? Op((byte)'q', (byte)index) : Op((byte)'r').Op(BitConverter.GetBytes(index));

    public PickleBuilder Get(int index) => index < 256 ? Op((byte)'h', (byte)index) : Op((byte)'j').Op(BitConverter.GetBytes(index));

    /// <summary>A tuple of integers (MARK ... TUPLE).</summary>
    public PickleBuilder Longs(params long[] values)
    {
        Op('(');
        foreach (long v in values)
        {
            Long(v);
        }

        return Op('t');
    }

    /// <summary><c>_rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', numel), offset, size, stride, False, None)</c> in zip form.</summary>
    public PickleBuilder Tensor(string key, long numel, long[] size, long[] stride, long offset = 0)
    {
        Text("ctorch._utils\n_rebuild_tensor_v2\n").Op('(');
        Op('(').Str("storage").Text("ctorch\nFloatStorage\n").Str(key).Str("cpu").Long(numel).Op('t').Op('Q');
        Long(offset).Longs(size).Longs(stride).Op(0x89).Op('N').Op('t').Op('R');
        return this;
    }

    public byte[] Stop() => [.. bytes, (byte)'.'];
}
