using System.Text;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>
/// A legacy checkpoint laid out as Python-2-era PyTorch wrote them (the AdaptSegNet releases): BINSTRING and
/// SHORT_BINSTRING strings, a Python 2 OrderedDict reduced to a list of [key, value] lists, <c>_rebuild_tensor</c>
/// (PyTorch 0.3) next to <c>_rebuild_tensor_v2</c>, a storage view, a CUDA location and a protocol-0 boolean.
/// </summary>
public sealed class Python2LegacyTests
{
    [Fact]
    public void Read_Python2StyleLegacyFile_BuildsViewsStridesAndOffsets()
    {
        using var dir = new TempDirectory();
        string path = dir.File("py2.pth");
        File.WriteAllBytes(path, Build());

        using Checkpoint checkpoint = CheckpointReader.Read(path);

        Assert.Equal(CheckpointFormat.Legacy, checkpoint.Format);
        Assert.Equal(["conv1.weight", "bn1.weight"], checkpoint.StateDict.Keys);
        // conv1.weight: view 'v' = root[2..6), tensor offset 1, size 3 -> root[3], root[4], root[5].
        Assert.Equal([3f, 4f, 5f], checkpoint.StateDict["conv1.weight"].data<float>().ToArray());
        // bn1.weight: root viewed (2,2) with stride (1,2) -> [[0,2],[1,3]], made contiguous.
        var bn = checkpoint.StateDict["bn1.weight"];
        Assert.Equal([2L, 2], bn.shape);
        Assert.Equal([0f, 2f, 1f, 3f], bn.contiguous().data<float>().ToArray());
    }

    [Fact]
    public void Read_StorageDataShorterThanHeaderSays_Truncated()
    {
        using var dir = new TempDirectory();
        string path = dir.File("short.pth");
        byte[] bytes = Build();
        File.WriteAllBytes(path, bytes[..^5]);

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("storage 'root'", e.Message);
    }

    [Fact]
    public void Read_BigEndianLegacyFile_ValuesByteSwapped()
    {
        using var dir = new TempDirectory();
        string path = dir.File("big.pth");
        File.WriteAllBytes(path, Build(bigEndian: true));

        using Checkpoint checkpoint = CheckpointReader.Read(path);

        Assert.Equal([3f, 4f, 5f], checkpoint.StateDict["conv1.weight"].data<float>().ToArray());
    }

    private static byte[] Build(bool bigEndian = false)
    {
        var p = new List<byte>();
        void Op(char c) => p.Add((byte)c);
        void Raw(params byte[] b) => p.AddRange(b);
        void Line(string s) => p.AddRange(Encoding.ASCII.GetBytes(s + "\n"));
        void Short(string s)
        {
            Raw((byte)'U', (byte)s.Length);
            p.AddRange(Encoding.ASCII.GetBytes(s));
        }

        void Bin(string s)
        {
            Op('T');
            Raw(BitConverter.GetBytes(s.Length));
            p.AddRange(Encoding.ASCII.GetBytes(s));
        }

        void Int(byte v) => Raw((byte)'K', v);

        // Header pickles (magic number, protocol 1001, sys_info with little_endian True).
        Raw(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.');
        Raw(0x80, 0x02, (byte)'M', 0xe9, 0x03, (byte)'.');
        Raw(0x80, 0x02, (byte)'}', (byte)'q', 0x00);
        Short("little_endian");
        Raw(bigEndian ? (byte)0x89 : (byte)0x88, (byte)'s', (byte)'.');

        // Main pickle: OrderedDict([[key, tensor], [key, tensor]]).
        Raw(0x80, 0x02);
        Op('c'); Line("collections"); Line("OrderedDict");
        Op('('); Op(']'); Op('(');
        Op('('); Bin("conv1.weight");
        Op('c'); Line("torch._utils"); Line("_rebuild_tensor");
        Op('(');
        Op('('); Short("storage"); Op('c'); Line("torch"); Line("FloatStorage");
        Short("root"); Short("cuda:0"); Int(8);
        Op('('); Short("v"); Int(2); Int(4); Op('t');
        Op('t'); Op('Q');
        Int(1);
        Op('('); Int(3); Op('t');
        Op('('); Int(1); Op('t');
        Op('t'); Op('R');
        Op('l');
        Op('('); Short("bn1.weight");
        Op('c'); Line("torch._utils"); Line("_rebuild_tensor_v2");
        Op('(');
        Op('('); Short("storage"); Op('c'); Line("torch"); Line("FloatStorage");
        Short("root"); Short("cuda:0"); Int(8); Op('N');
        Op('t'); Op('Q');
        Int(0);
        Op('('); Int(2); Int(2); Op('t');
        Op('('); Int(1); Int(2); Op('t');
        Op('I'); Line("00");
        Op('c'); Line("collections"); Line("OrderedDict"); Op(')'); Op('R');
        Op('t'); Op('R');
        Op('l');
        Op('e');
        Op('t'); Op('R');
        Op('.');

        // Storage keys, then each storage: int64 element count and the float32 values 0..7.
        Raw(0x80, 0x02, (byte)']', (byte)'(');
        Short("root");
        Raw((byte)'e', (byte)'.');
        byte[] Ordered(byte[] b) => bigEndian ? b.Reverse().ToArray() : b;
        Raw(Ordered(BitConverter.GetBytes(8L)));
        for (int i = 0; i < 8; i++)
        {
            Raw(Ordered(BitConverter.GetBytes((float)i)));
        }

        return p.ToArray();
    }
}
