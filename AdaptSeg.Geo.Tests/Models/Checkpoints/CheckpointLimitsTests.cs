using System.Diagnostics;
using System.IO.Compression;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>The reading budgets of <see cref="CheckpointLimits"/>, CRC checks and literal parsing, in process.</summary>
public sealed class CheckpointLimitsTests
{
    [Theory]
    [InlineData('l')]
    [InlineData('t')]
    [InlineData('d')]
    public void Read_BillionLaughs_RefusedEarlyNamingTheLimit(char kind)
    {
        using var temp = new TempDirectory();
        string path = temp.File("laughs.pth");
        HostileCheckpoints.All[kind switch { 'l' => 0, 't' => 1, _ => 2 }].Write(path);
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path, CheckpointLimits.Default));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("objects=", e.Message, StringComparison.Ordinal);
        Assert.Contains(CheckpointLimits.EnvironmentVariable, e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Read_ValueGrownAfterItWasShared_CountedWhenCopied()
    {
        // l0 = []; l1..l16 each [prev, prev] while l0 is still empty; then 200 items appended to l0: 2^16 * 200 copies,
        // which the decoding count (made when l0 was empty) does not see.
        var p = new PickleBuilder().Op('}').Str("x").Op(']').Put(0).Op('0');
        for (int i = 1; i <= 16; i++)
        {
            p.Op('(').Get(i - 1).Get(i - 1).Op('l').Put(i).Op('0');
        }

        p.Get(0).Op('(');
        for (int k = 0; k < 200; k++)
        {
            p.Op('N');
        }

        p.Op('e').Op('0').Get(16).Op('s');
        using var temp = new TempDirectory();
        string path = temp.File("grown.pth");
        HostileCheckpoints.Zip(path, p.Stop());

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path, CheckpointLimits.Default));

        Assert.Contains("shared references", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Long1AndLong4FittingIn64Bits_AreLongs()
    {
        var p = new PickleBuilder().Op('}')
            .Str("long1").Long(1L << 40).Op('s')
            .Str("long4").Op(0x8b).Op(BitConverter.GetBytes(8)).Op(BitConverter.GetBytes(-5L)).Op('s')
            .Str("int").Op('I').Text("-12\n").Op('s')
            .Str("text").Op('L').Text("123456789012L\n").Op('s')
            .Str("big").Op('L').Text("123456789012345678901234567890L\n").Op('s');
        using var temp = new TempDirectory();
        string path = temp.File("longs.pth");
        HostileCheckpoints.Zip(path, p.Stop());

        using Checkpoint checkpoint = CheckpointReader.Read(path);

        Assert.Equal(1L << 40, checkpoint.Entries["long1"]);
        Assert.Equal(-5L, checkpoint.Entries["long4"]);
        Assert.Equal(-12L, checkpoint.Entries["int"]);
        Assert.Equal(123456789012L, checkpoint.Entries["text"]);
        Assert.Equal(System.Numerics.BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture), checkpoint.Entries["big"]);
    }

    [Theory]
    [InlineData('F', "1.2.3", "bad float")]
    [InlineData('F', "", "bad float")]
    [InlineData('L', "12x3L", "bad integer")]
    [InlineData('L', "L", "bad integer")]
    [InlineData('I', "0x10", "bad integer")]
    [InlineData('S', "'abc\\x4'", "escape")]
    [InlineData('S', "'abc\\'", "backslash")]
    [InlineData('S', "abc", "quotes")]
    [InlineData('V', "abc\\u12", "escape")]
    [InlineData('V', "abc\\U0011ffff", "does not exist")]
    [InlineData('g', "x", "bad integer")]
    public void Read_MalformedLiteral_IsCheckpointExceptionNamingTheFile(char op, string text, string expected)
    {
        var p = new PickleBuilder().Op('}').Str("x");
        if (op == 'g')
        {
            p.Op('N').Op('p').Text("0\n").Op('0');
        }

        p.Op(op).Text(text + "\n").Op('s');
        using var temp = new TempDirectory();
        string path = temp.File("literal.pth");
        HostileCheckpoints.Zip(path, p.Stop());

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Read_ProtocolZeroLiterals_DecodedAsPythonDoes()
    {
        var p = new PickleBuilder().Op('}')
            .Str("inf").Op('F').Text("inf\n").Op('s')
            .Str("float").Op('F').Text("-2.5e-3\n").Op('s')
            .Str("str").Op('S').Text("'a\\n\\x41\\101\\\\'\n").Op('s')
            .Str("unicode").Op('V').Op(0xe9).Text("\\u20ac\\U0001F600\n").Op('s');
        using var temp = new TempDirectory();
        string path = temp.File("literals.pth");
        HostileCheckpoints.Zip(path, p.Stop());

        using Checkpoint checkpoint = CheckpointReader.Read(path);

        Assert.Equal(double.PositiveInfinity, checkpoint.Entries["inf"]);
        Assert.Equal(-2.5e-3, checkpoint.Entries["float"]);
        Assert.Equal("a\nAA\\", checkpoint.Entries["str"]);
        Assert.Equal("é€😀", checkpoint.Entries["unicode"]);
    }

    [Theory]
    [InlineData(15, "digits")] // LONG4
    [InlineData(16, "digits")] // text LONG
    [InlineData(17, "digits")] // text INT
    [InlineData(5, "zero stride")]
    [InlineData(6, "64-bit")]
    [InlineData(7, "must fit in its storage")]
    [InlineData(3, "values")]
    [InlineData(4, "elements=")]
    public void Read_CraftedFile_RefusedBeforeAllocating(int index, string expected)
    {
        using var temp = new TempDirectory();
        string path = temp.File("crafted.pth");
        HostileCheckpoints.All[index].Write(path);

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path, CheckpointLimits.Default));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ViewCopiesWithinRaisedLimit_LoadAsCopies()
    {
        using var temp = new TempDirectory();
        string path = temp.File("copies.pth");
        var p = new PickleBuilder().Op('}').Str("a").Tensor("s", 6, [2, 2], [1, 2], offset: 1).Put(0).Op('s').Str("b").Get(0).Op('s');
        var data = new byte[24];
        for (int i = 0; i < 6; i++)
        {
            BitConverter.GetBytes((float)i).CopyTo(data, i * 4);
        }

        HostileCheckpoints.Zip(path, p.Stop(), ("s", data, false));

        Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path, CheckpointLimits.Default with { Elements = 13 }));
        using Checkpoint checkpoint = CheckpointReader.Read(path, CheckpointLimits.Default with { Elements = 14 });

        var a = (torch.Tensor)checkpoint.Entries["a"]!;
        Assert.Equal([1f, 3f, 2f, 4f], a.data<float>().ToArray());
        Assert.Equal(2, checkpoint.TensorCount);
    }

    [Fact]
    public void Read_ZipBomb_RefusedByRatioBeforeDecompressing()
    {
        using var temp = new TempDirectory();
        string path = temp.File("bomb.pth");
        HostileCheckpoints.All[8].Write(path);

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));

        Assert.Contains("archive/data.pkl", e.Message, StringComparison.Ordinal);
        Assert.Contains("ratio=", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FixtureOverAbsoluteByteCap_RefusedAndLoadsWhenRaised()
    {
        string path = TestPaths.Fixture("fc_discriminator_19c_formula.pth");

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path, CheckpointLimits.Default with { Bytes = 1 << 20 }));
        Assert.Contains("bytes=", e.Message, StringComparison.Ordinal);

        using Checkpoint checkpoint = CheckpointReader.Read(path, CheckpointLimits.Default.With("bytes=20000000", "test"));
        Assert.Equal(10, checkpoint.TensorCount);
    }

    [Fact]
    public void Read_CrcMismatch_NamesTheEntryAndSaysDamaged()
    {
        using var temp = new TempDirectory();
        string path = temp.File("crc.pth");
        HostileCheckpoints.All[11].Write(path);

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));

        Assert.Contains("'archive/data/0'", e.Message, StringComparison.Ordinal);
        Assert.Contains("CRC-32", e.Message, StringComparison.Ordinal);
        Assert.Contains("the file is damaged", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DeflatedStoragesWithCorrectCrc_LoadAsStored()
    {
        string original = TestPaths.Fixture("fc_discriminator_19c_formula.pth");
        using var temp = new TempDirectory();
        string path = temp.File("deflated.pth");
        using (var source = ZipFile.OpenRead(original))
        using (var target = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (ZipArchiveEntry entry in source.Entries)
            {
                using Stream from = entry.Open();
                using Stream to = target.CreateEntry(entry.FullName, CompressionLevel.Fastest).Open();
                from.CopyTo(to);
            }
        }

        using Checkpoint a = CheckpointReader.Read(original);
        using Checkpoint b = CheckpointReader.Read(path);

        Assert.All(a.StateDict, kv => Assert.True(kv.Value.allclose(b.StateDict[kv.Key], 0, 0), kv.Key));
    }

    [Fact]
    public void With_Text_ParsesNamesAndRefusesUnknownOnes()
    {
        CheckpointLimits limits = CheckpointLimits.Default.With("objects=5, elements=6,bytes=7_000,ratio=8,digits=9,output=10", "X");

        Assert.Equal(new CheckpointLimits(5, 6, 7000, 8, 9, 10), limits);
        Assert.Equal(limits, CheckpointLimits.Default.With(limits.ToString(), "X"));
        var e = Assert.Throws<CheckpointException>(() => CheckpointLimits.Default.With("object=5", CheckpointLimits.EnvironmentVariable));
        Assert.Contains("unknown limit 'object'", e.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointException>(() => CheckpointLimits.Default.With("objects=-1", "X"));
        Assert.Throws<CheckpointException>(() => CheckpointLimits.Default.With("objects", "X"));
    }

    [Fact]
    public async Task ModelInfo_MetadataThatRendersTo40MB_TruncatedWithANote()
    {
        using var temp = new TempDirectory();
        string path = temp.File("wide.pth");
        HostileCheckpoints.All[^1].Write(path);

        var (code, output, _) = await CliRunner.RunAsync("model", "info", path);
        var (fullCode, full, _) = await CliRunner.RunAsync("model", "info", path, "--checkpoint-limits", "output=100000000");

        Assert.Equal(0, code);
        Assert.True(output.Length < CheckpointLimits.Default.OutputCharacters + 400, $"{output.Length} characters");
        Assert.Contains("output truncated at 65536 characters", output, StringComparison.Ordinal);
        Assert.Equal(0, fullCode);
        Assert.DoesNotContain("output truncated", full, StringComparison.Ordinal);
        Assert.Contains("... and 99000 more entries not shown", full, StringComparison.Ordinal);
        Assert.Contains("... (truncated)", full, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfo_BadLimitsOption_Exit2NamingTheOption()
    {
        var (code, _, error) = await CliRunner.RunAsync("model", "info", TestPaths.Fixture("fc_discriminator_19c_formula.pth"), "--checkpoint-limits", "objects=lots");

        Assert.Equal(2, code);
        Assert.Contains("--checkpoint-limits", error, StringComparison.Ordinal);
    }
}
