using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// A restricted unpickler, in the spirit of <c>torch.load(weights_only=True)</c>. It understands pickle
/// protocols 0 to 5 (Python 2 strings included) and builds plain values: null, bool, long,
/// <see cref="BigInteger"/>, double, string, byte[], <see cref="PickleTuple"/>, <c>List&lt;object?&gt;</c>,
/// <see cref="PickleDict"/> and, through the persistent-load callback and the rebuild functions,
/// <see cref="StorageRef"/> and <see cref="TensorSpec"/>.
/// </summary>
/// <remarks>
/// Nothing in the pickle is ever executed. Globals are checked against an allow-list when the
/// GLOBAL / STACK_GLOBAL / INST opcode is read, before anything could call them; any other global
/// (<c>os.system</c>, <c>builtins.eval</c>, a pickled model class) stops the read with a
/// <see cref="CheckpointException"/> that names it. Every value decoded is charged to a <see cref="CheckpointBudget"/>
/// (a shared value by the size it would have when copied), text lines and integer literals are bounded before they
/// are read, and every malformed literal is a <see cref="CheckpointException"/>.
/// </remarks>
internal sealed class PickleReader
{
    private static readonly HashSet<string> AllowedFunctions =
    [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "_codecs.encode",
    ];

    private static readonly object Mark = new();

    /// <summary>Longest text line accepted for names, indices and floats (GLOBAL, PUT/GET, FLOAT, PERSID).</summary>
    private const int MaxShortLine = 4096;

    /// <summary>Longest protocol-0 string line (STRING, UNICODE); longer text is stored with the binary opcodes.</summary>
    private const int MaxTextLine = 16 << 20;

    /// <summary>Decimal digits per byte of a two's-complement integer: log10(256).</summary>
    private const double DigitsPerByte = 2.408239965311849;

    private readonly Stream stream;
    private readonly string file;
    private readonly Func<object?, object?> persistentLoad;
    private readonly List<object?> stack = [];
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];

    /// <summary>
    /// How many values each container (list, tuple, dict) would materialise, itself and its contents, counting
    /// shared references each time. Plain values weigh 1 and are not stored.
    /// </summary>
    private readonly Dictionary<object, long> weights = new(ReferenceEqualityComparer.Instance);
    private readonly CheckpointBudget budget;
    private long position;

    /// <param name="stream">Read from its current position up to and including the STOP opcode, and no further.</param>
    /// <param name="persistentLoad">Resolves persistent ids (storages); receives the decoded id.</param>
    /// <param name="budget">Charged for every value decoded; shared by all pickles of one file.</param>
    public PickleReader(Stream stream, CheckpointBudget budget, Func<object?, object?> persistentLoad)
    {
        this.stream = stream;
        this.budget = budget;
        file = budget.File;
        this.persistentLoad = persistentLoad;
    }

    /// <summary>The globals every checkpoint may reference, for documentation and error messages.</summary>
    public static string AllowedDescription =>
        "collections.OrderedDict, torch._utils._rebuild_tensor[_v2], torch._utils._rebuild_parameter[_with_state], " +
        "torch.<Type>Storage, torch.UntypedStorage, _codecs.encode";

    /// <summary>Reads one pickle and returns its value.</summary>
    public object? Load()
    {
        stack.Clear();
        marks.Clear();
        memo.Clear();
        weights.Clear();
        while (true)
        {
            long at = position;
            int op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    int protocol = ReadByte();
                    if (protocol > 5)
                    {
                        throw Corrupt($"pickle protocol {protocol} is newer than this reader knows (0-5)", at);
                    }

                    break;
                case 0x95: // FRAME
                    ReadBytes(8);
                    break;
                case '.': // STOP
                    if (stack.Count != 1)
                    {
                        throw Corrupt($"the pickle ended with {stack.Count} values on the stack instead of 1", at);
                    }

                    return stack[0];
                case '(':
                    marks.Push(stack.Count);
                    break;
                case '0': // POP
                    Pop(at);
                    break;
                case '1': // POP_MARK
                    PopMark(at);
                    break;
                case '2': // DUP
                    PushShared(Peek(at), at);
                    break;
                case 'N':
                    Push(null);
                    break;
                case 0x88:
                    Push(true);
                    break;
                case 0x89:
                    Push(false);
                    break;
                case 'I': // INT (text); "00"/"01" are protocol-0 booleans
                    string intText = ReadIntegerLine("an INT literal", at);
                    Push(intText switch
                    {
                        "00" => false,
                        "01" => true,
                        _ => ParseInteger(intText, at),
                    });
                    break;
                case 'J':
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                    break;
                case 'K':
                    Push((long)ReadByte());
                    break;
                case 'M':
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                    break;
                case 'L': // LONG (text, trailing L in Python 2)
                    {
                        string text = ReadIntegerLine("a LONG literal", at);
                        Push(ParseInteger(text.EndsWith('L') ? text[..^1] : text, at));
                        break;
                    }

                case 0x8a: // LONG1 (Python 2 stores offsets and sizes this way; those fitting in 64 bits come back as long)
                    Push(ReadBinaryLong(ReadByte(), "a LONG1 literal", at));
                    break;
                case 0x8b: // LONG4
                    Push(ReadBinaryLong(ReadLength(4, at), "a LONG4 literal", at));
                    break;
                case 'F':
                    Push(ParseFloat(ReadLine(MaxShortLine, "a FLOAT literal", at), at));
                    break;
                case 'G':
                    Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                    break;
                case 'S': // STRING (protocol 0, quoted Python 2 str)
                    Push(Unquote(ReadLine(MaxTextLine, "a STRING literal", at), at));
                    break;
                case 'T': // BINSTRING (Python 2 str)
                    Push(DecodePython2(ReadBytes(ReadLength(4, at))));
                    break;
                case 'U': // SHORT_BINSTRING
                    Push(DecodePython2(ReadBytes(ReadByte())));
                    break;
                case 'V': // UNICODE (raw-unicode-escape)
                    Push(DecodeRawUnicodeEscape(ReadLineBytes(MaxTextLine, "a UNICODE literal", at), at));
                    break;
                case 'X':
                    Push(Encoding.UTF8.GetString(ReadBytes(ReadLength(4, at))));
                    break;
                case 0x8c:
                    Push(Encoding.UTF8.GetString(ReadBytes(ReadByte())));
                    break;
                case 0x8d:
                    Push(Encoding.UTF8.GetString(ReadBytes(ReadLength(8, at))));
                    break;
                case 'B':
                    Push(ReadBytes(ReadLength(4, at)));
                    break;
                case 'C':
                    Push(ReadBytes(ReadByte()));
                    break;
                case 0x8e:
                case 0x96: // BINBYTES8, BYTEARRAY8
                    Push(ReadBytes(ReadLength(8, at)));
                    break;
                case ')':
                    Push(PickleTuple.Empty);
                    break;
                case 't':
                    PushContainer(new PickleTuple(PopMark(at).ToArray()), at);
                    break;
                case 0x85:
                    PushContainer(new PickleTuple([Pop(at)]), at);
                    break;
                case 0x86:
                    {
                        object? b = Pop(at);
                        object? a = Pop(at);
                        PushContainer(new PickleTuple([a, b]), at);
                        break;
                    }

                case 0x87:
                    {
                        object? c = Pop(at);
                        object? b = Pop(at);
                        object? a = Pop(at);
                        PushContainer(new PickleTuple([a, b, c]), at);
                        break;
                    }

                case ']':
                    Push(new List<object?>());
                    break;
                case 'l':
                    PushContainer(PopMark(at), at);
                    break;
                case 'a':
                    {
                        object? item = Pop(at);
                        List<object?> list = AsList(Peek(at), at);
                        list.Add(item);
                        Grow(list, Weight(item), at);
                        break;
                    }

                case 'e':
                    {
                        List<object?> items = PopMark(at);
                        List<object?> list = AsList(Peek(at), at);
                        list.AddRange(items);
                        Grow(list, WeightOf(items), at);
                        break;
                    }

                case 0x8f: // EMPTY_SET: read as a list
                    Push(new List<object?>());
                    break;
                case 0x90: // ADDITEMS
                    {
                        List<object?> items = PopMark(at);
                        List<object?> list = AsList(Peek(at), at);
                        list.AddRange(items);
                        Grow(list, WeightOf(items), at);
                        break;
                    }

                case 0x91: // FROZENSET
                    PushContainer(PopMark(at), at);
                    break;
                case '}':
                    Push(new PickleDict());
                    break;
                case 'd':
                    {
                        List<object?> items = PopMark(at);
                        var dict = new PickleDict();
                        SetItems(dict, items, at);
                        weights[dict] = 1;
                        Grow(dict, WeightOf(items), at);
                        Push(dict);
                        break;
                    }

                case 's':
                    {
                        object? value = Pop(at);
                        object? key = Pop(at);
                        PickleDict dict = AsDict(Peek(at), at);
                        dict.Set(key, value, file);
                        Grow(dict, Weight(key) + Weight(value), at);
                        break;
                    }

                case 'u':
                    {
                        List<object?> items = PopMark(at);
                        PickleDict dict = AsDict(Peek(at), at);
                        SetItems(dict, items, at);
                        Grow(dict, WeightOf(items), at);
                        break;
                    }

                case 'c': // GLOBAL
                    {
                        string module = ReadLine(MaxShortLine, "a GLOBAL module name", at);
                        string name = ReadLine(MaxShortLine, "a GLOBAL name", at);
                        Push(ResolveGlobal(module, name, at));
                        break;
                    }

                case 0x93: // STACK_GLOBAL
                    {
                        object? name = Pop(at);
                        object? module = Pop(at);
                        if (module is not string m || name is not string n)
                        {
                            throw Corrupt("STACK_GLOBAL needs two strings", at);
                        }

                        Push(ResolveGlobal(m, n, at));
                        break;
                    }

                case 'i': // INST
                    {
                        PickleGlobal cls = ResolveGlobal(ReadLine(MaxShortLine, "an INST module name", at), ReadLine(MaxShortLine, "an INST name", at), at);
                        Push(Call(cls, new PickleTuple(PopMark(at).ToArray()), at));
                        break;
                    }

                case 'o': // OBJ
                    {
                        List<object?> items = PopMark(at);
                        if (items.Count == 0 || items[0] is not PickleGlobal cls)
                        {
                            throw Corrupt("OBJ without a class", at);
                        }

                        Push(Call(cls, new PickleTuple(items.Skip(1).ToArray()), at));
                        break;
                    }

                case 'R': // REDUCE
                case 0x81: // NEWOBJ
                    {
                        object? args = Pop(at);
                        object? callable = Pop(at);
                        if (callable is not PickleGlobal function || args is not PickleTuple tuple)
                        {
                            throw Corrupt("REDUCE/NEWOBJ needs an allowed global and an argument tuple", at);
                        }

                        Push(Call(function, tuple, at));
                        break;
                    }

                case 0x92: // NEWOBJ_EX
                    {
                        Pop(at); // kwargs
                        object? args = Pop(at);
                        object? callable = Pop(at);
                        if (callable is not PickleGlobal function || args is not PickleTuple tuple)
                        {
                            throw Corrupt("NEWOBJ_EX needs an allowed global and an argument tuple", at);
                        }

                        Push(Call(function, tuple, at));
                        break;
                    }

                case 'b': // BUILD: state on a dict (OrderedDict._metadata of a state dict) is kept out of the values.
                    {
                        Pop(at);
                        if (Peek(at) is not (PickleDict or TensorSpec))
                        {
                            throw Corrupt("BUILD on a value that takes no state", at);
                        }

                        break;
                    }

                case 'P': // PERSID (text id)
                    Push(persistentLoad(ReadLine(MaxShortLine, "a PERSID id", at)));
                    break;
                case 'Q': // BINPERSID
                    Push(persistentLoad(Pop(at)));
                    break;
                case 'p':
                    memo[ParseLong(ReadLine(MaxShortLine, "a PUT index", at), at)] = Peek(at);
                    break;
                case 'q':
                    memo[ReadByte()] = Peek(at);
                    break;
                case 'r':
                    memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(at);
                    break;
                case 0x94: // MEMOIZE
                    memo[memo.Count] = Peek(at);
                    break;
                case 'g':
                    PushShared(FromMemo(ParseLong(ReadLine(MaxShortLine, "a GET index", at), at), at), at);
                    break;
                case 'h':
                    PushShared(FromMemo(ReadByte(), at), at);
                    break;
                case 'j':
                    PushShared(FromMemo(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), at), at);
                    break;
                default:
                    throw Corrupt($"unsupported pickle opcode 0x{op:x2}", at);
            }
        }
    }

    private PickleGlobal ResolveGlobal(string module, string name, long at)
    {
        string full = module + "." + name;
        if (module is "torch" or "torch.storage" && StorageType.FromTorchName(name) is { } storage)
        {
            return new PickleGlobal(module, name) { Storage = storage };
        }

        if (AllowedFunctions.Contains(full))
        {
            return new PickleGlobal(module, name);
        }

        throw new CheckpointException(
            $"{file}: refused to load the Python global '{full}' (pickle offset {at}). Like torch.load(weights_only=True), " +
            $"only tensors, storages and plain values are read; allowed globals are {AllowedDescription}. " +
            "The file may be malicious, or it stores a whole pickled object: re-save it in Python with torch.save(model.state_dict(), path).");
    }

    private object? Call(PickleGlobal function, PickleTuple args, long at)
    {
        switch (function.FullName)
        {
            case "collections.OrderedDict":
                {
                    var dict = new PickleDict();
                    if (args.Count == 1 && args[0] is List<object?> pairs)
                    {
                        // Python 2's OrderedDict.__reduce__ passes its items as a list of [key, value] lists.
                        foreach (object? pair in pairs)
                        {
                            object?[] kv = pair switch
                            {
                                List<object?> l when l.Count == 2 => [l[0], l[1]],
                                PickleTuple t when t.Count == 2 => t.Items,
                                _ => throw Corrupt("OrderedDict items must be [key, value] pairs", at),
                            };
                            dict.Set(kv[0], kv[1], file);
                        }
                    }
                    else if (args.Count != 0)
                    {
                        throw Corrupt($"OrderedDict called with {args.Count} arguments", at);
                    }

                    // The items list (already charged) becomes the dict's contents.
                    weights[dict] = args.Count == 1 ? Weight(args[0]) : 1;
                    return dict;
                }

            case "torch._utils._rebuild_tensor":
            case "torch._utils._rebuild_tensor_v2":
                if (args.Count < 4)
                {
                    throw Corrupt($"{function.Name} needs at least 4 arguments, got {args.Count}", at);
                }

                if (args[0] is not StorageRef storage)
                {
                    throw Corrupt($"{function.Name}: the first argument is not a storage", at);
                }

                long offset = AsLong(args[1], at);
                long[] size = AsLongs(args[2], at);
                long[] stride = AsLongs(args[3], at);
                if (size.Length != stride.Length)
                {
                    throw Corrupt($"{function.Name}: size has {size.Length} dimensions but stride has {stride.Length}", at);
                }

                return new TensorSpec(storage, offset, size, stride);

            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                if (args.Count < 1 || args[0] is not TensorSpec data)
                {
                    throw Corrupt($"{function.Name}: the first argument is not a tensor", at);
                }

                return data;

            case "_codecs.encode":
                if (args.Count is < 1 or > 2 || args[0] is not string text)
                {
                    throw Corrupt("_codecs.encode needs a string", at);
                }

                string encoding = args.Count == 2 && args[1] is string e ? e : "utf-8";
                return encoding.ToLowerInvariant() switch
                {
                    "latin1" or "latin-1" or "iso-8859-1" => Encoding.Latin1.GetBytes(text),
                    "utf-8" or "utf8" => Encoding.UTF8.GetBytes(text),
                    _ => throw Corrupt($"_codecs.encode with encoding '{encoding}' is not supported", at),
                };

            default:
                throw Corrupt($"the global '{function.FullName}' cannot be called", at);
        }
    }

    private void SetItems(PickleDict dict, List<object?> items, long at)
    {
        if (items.Count % 2 != 0)
        {
            throw Corrupt("SETITEMS with an odd number of values", at);
        }

        for (int i = 0; i < items.Count; i += 2)
        {
            dict.Set(items[i], items[i + 1], file);
        }
    }

    private long AsLong(object? value, long at) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw Corrupt($"expected an integer, found {Describe(value)}", at),
    };

    private long[] AsLongs(object? value, long at) => value switch
    {
        PickleTuple t => t.Items.Select(v => AsLong(v, at)).ToArray(),
        List<object?> l => l.Select(v => AsLong(v, at)).ToArray(),
        _ => throw Corrupt($"expected a tuple of integers, found {Describe(value)}", at),
    };

    private static string Describe(object? value) => value?.GetType().Name ?? "None";

    private List<object?> AsList(object? value, long at) =>
        value as List<object?> ?? throw Corrupt($"APPEND on a {Describe(value)}", at);

    private PickleDict AsDict(object? value, long at) =>
        value as PickleDict ?? throw Corrupt($"SETITEM on a {Describe(value)}", at);

    private object? FromMemo(long index, long at) =>
        memo.TryGetValue(index, out object? value) ? value : throw Corrupt($"memo entry {index} is missing", at);

    /// <summary>A long when it fits in 64 bits (the cast to object keeps it one: the conditional's type would be BigInteger).</summary>
    private static object Normalise(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    private long ParseLong(string text, long at) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : throw Corrupt($"bad integer '{Clip(text)}'", at);

    /// <summary>A decimal integer of bounded length (the line was bounded before it was read): long when it fits, else BigInteger.</summary>
    private object ParseInteger(string text, long at)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
        {
            return v;
        }

        string digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)
            || !BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger big))
        {
            throw Corrupt($"bad integer literal '{Clip(text)}'", at);
        }

        return Normalise(big);
    }

    /// <summary>LONG1/LONG4: little-endian two's complement; the length is checked against the digit budget before reading.</summary>
    private object ReadBinaryLong(int length, string what, long at)
    {
        long digits = (long)Math.Ceiling(length * DigitsPerByte);
        if (digits > budget.Limits.IntegerDigits)
        {
            throw budget.IntegerTooLong(what, digits, at);
        }

        return Normalise(new BigInteger(ReadBytes(length), isUnsigned: false, isBigEndian: false));
    }

    /// <summary>A protocol-0 float: Python's repr, including inf and nan.</summary>
    private double ParseFloat(string text, long at)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity":
                return double.PositiveInfinity;
            case "-inf" or "-infinity":
                return double.NegativeInfinity;
            case "nan" or "+nan" or "-nan":
                return double.NaN;
        }

        return text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
            ? d
            : throw Corrupt($"bad float literal '{Clip(text)}'", at);
    }

    private string ReadIntegerLine(string what, long at)
    {
        // Sign, trailing 'L' and '\r' on top of the digits; the line is refused as soon as it is longer.
        int max = budget.Limits.IntegerDigits + 3;
        byte[] line = ReadLineBytes(max, what, at, tooLong: () => budget.IntegerTooLong(what, (long)max + 1, at));
        return Encoding.ASCII.GetString(line);
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "..." : text;

    private static string DecodePython2(byte[] bytes)
    {
        // torch.load reads Python 2 str as UTF-8 (its default encoding); keys and names are ASCII.
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>A Python 2 <c>repr(str)</c>: quotes, then the <c>string-escape</c> codec's escapes.</summary>
    private string Unquote(string text, long at)
    {
        if (text.Length < 2 || (text[0] != '\'' && text[0] != '"') || text[^1] != text[0])
        {
            throw Corrupt("STRING opcode without quotes", at);
        }

        string body = text[1..^1];
        var bytes = new List<byte>(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c != '\\')
            {
                if (c > 0xFF)
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                }
                else
                {
                    bytes.Add((byte)c);
                }

                continue;
            }

            if (++i >= body.Length)
            {
                throw Corrupt("a STRING literal ends with a lone backslash", at);
            }

            char e = body[i];
            switch (e)
            {
                case '\\' or '\'' or '"':
                    bytes.Add((byte)e);
                    break;
                case 'n': bytes.Add(10); break;
                case 't': bytes.Add(9); break;
                case 'r': bytes.Add(13); break;
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'v': bytes.Add(11); break;
                case 'x':
                    if (i + 2 >= body.Length || !IsHex(body[i + 1]) || !IsHex(body[i + 2]))
                    {
                        throw Corrupt($"a bad or truncated \\x escape in a STRING literal near '{Clip(body[(i - 1)..])}'", at);
                    }

                    bytes.Add((byte)Convert.ToInt32(body.Substring(i + 1, 2), 16));
                    i += 2;
                    break;
                case >= '0' and <= '7':
                    {
                        int value = 0;
                        int n = 0;
                        while (n < 3 && i < body.Length && body[i] is >= '0' and <= '7')
                        {
                            value = (value * 8) + (body[i] - '0');
                            i++;
                            n++;
                        }

                        i--;
                        bytes.Add((byte)(value & 0xFF));
                        break;
                    }

                default:
                    // Python keeps an unknown escape as it is.
                    bytes.Add((byte)'\\');
                    bytes.Add(e > 0xFF ? (byte)'?' : (byte)e);
                    break;
            }
        }

        return DecodePython2([.. bytes]);
    }

    /// <summary>Python's <c>raw-unicode-escape</c>: bytes are Latin-1 except <c>\uXXXX</c> and <c>\UXXXXXXXX</c>.</summary>
    private string DecodeRawUnicodeEscape(byte[] line, long at)
    {
        var text = new StringBuilder(line.Length);
        for (int i = 0; i < line.Length; i++)
        {
            byte b = line[i];
            int width = b == '\\' && i + 1 < line.Length ? line[i + 1] switch { (byte)'u' => 4, (byte)'U' => 8, _ => 0 } : 0;
            if (width == 0)
            {
                text.Append((char)b);
                continue;
            }

            if (i + 2 + width > line.Length)
            {
                throw Corrupt("a truncated \\u escape in a UNICODE literal", at);
            }

            uint code = 0;
            for (int k = i + 2; k < i + 2 + width; k++)
            {
                if (!IsHex((char)line[k]))
                {
                    throw Corrupt("a bad \\u escape in a UNICODE literal", at);
                }

                code = (code << 4) | (uint)Convert.ToInt32(((char)line[k]).ToString(), 16);
            }

            if (code > 0x10FFFF || (code is >= 0xD800 and <= 0xDFFF && width == 8))
            {
                throw Corrupt($"the code point U+{code:X} in a UNICODE literal does not exist", at);
            }

            text.Append(code <= 0xFFFF ? ((char)code).ToString() : char.ConvertFromUtf32((int)code));
            i += 1 + width;
        }

        return text.ToString();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    /// <summary>Pushes a newly decoded value (charged 1).</summary>
    private void Push(object? value)
    {
        budget.ChargeObjects(1, position);
        stack.Add(value);
    }

    /// <summary>Pushes a list or tuple just built from values already on the stack: weighs itself plus its items.</summary>
    private void PushContainer(object container, long at)
    {
        long weight = 1;
        IEnumerable<object?> items = container is PickleTuple tuple ? tuple.Items : (List<object?>)container;
        foreach (object? item in items)
        {
            weight = Saturate(weight + Weight(item));
        }

        weights[container] = weight;
        Push(container);
        if (weight > budget.Limits.Objects)
        {
            budget.ChargeObjects(weight, at);
        }
    }

    /// <summary>Pushes a value again (memo get, DUP): it will be materialised once more, contents included.</summary>
    private void PushShared(object? value, long at)
    {
        budget.ChargeObjects(Weight(value), at, shared: true);
        stack.Add(value);
    }

    private void Grow(object container, long added, long at)
    {
        long weight = Saturate(Weight(container) + added);
        weights[container] = weight;
        if (weight > budget.Limits.Objects)
        {
            budget.ChargeObjects(weight, at);
        }
    }

    private long Weight(object? value) => value is not null && weights.TryGetValue(value, out long w) ? w : 1;

    private long WeightOf(List<object?> items)
    {
        long sum = 0;
        foreach (object? item in items)
        {
            sum = Saturate(sum + Weight(item));
        }

        return sum;
    }

    private static long Saturate(long value) => value < 0 ? long.MaxValue : value;

    private object? Pop(long at)
    {
        if (stack.Count == 0 || (marks.Count > 0 && marks.Peek() >= stack.Count))
        {
            throw Corrupt("stack underflow", at);
        }

        object? value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object? Peek(long at) =>
        stack.Count > 0 ? stack[^1] : throw Corrupt("stack underflow", at);

    private List<object?> PopMark(long at)
    {
        if (marks.Count == 0)
        {
            throw Corrupt("no MARK on the stack", at);
        }

        int start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private int ReadByte()
    {
        int b = stream.ReadByte();
        if (b < 0)
        {
            throw Truncated();
        }

        position++;
        return b;
    }

    private int ReadLength(int width, long at)
    {
        long length = width == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))
            : BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));
        if (length < 0 || length > Array.MaxLength || (stream.CanSeek && length > stream.Length - stream.Position))
        {
            throw Corrupt($"a length of {length} bytes runs past the end of the data", at);
        }

        return (int)length;
    }

    private byte[] ReadBytes(int count)
    {
        var buffer = new byte[count];
        int read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        if (read < count)
        {
            throw Truncated();
        }

        position += count;
        return buffer;
    }

    private string ReadLine(int maxBytes, string what, long at) => Encoding.UTF8.GetString(ReadLineBytes(maxBytes, what, at));

    /// <summary>A text line without its end, refused as soon as it is longer than <paramref name="maxBytes"/>.</summary>
    private byte[] ReadLineBytes(int maxBytes, string what, long at, Func<CheckpointException>? tooLong = null)
    {
        var bytes = new List<byte>();
        while (true)
        {
            int b = ReadByte();
            if (b == '\n')
            {
                break;
            }

            if (bytes.Count >= maxBytes)
            {
                throw tooLong?.Invoke() ?? Corrupt($"{what} is longer than {maxBytes} bytes", at);
            }

            bytes.Add((byte)b);
        }

        if (bytes.Count > 0 && bytes[^1] == '\r')
        {
            bytes.RemoveAt(bytes.Count - 1);
        }

        return [.. bytes];
    }

    private CheckpointException Truncated() =>
        new($"{file}: the pickle ends early (after {position} bytes); the file is truncated or not a PyTorch checkpoint. Copy or download it again.");

    private CheckpointException Corrupt(string problem, long at) =>
        new($"{file}: {problem} (pickle offset {at}); the file is corrupt or not a PyTorch checkpoint.");
}
