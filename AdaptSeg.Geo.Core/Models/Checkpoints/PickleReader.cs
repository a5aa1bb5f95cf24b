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
/// <see cref="CheckpointException"/> that names it.
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

    private readonly Stream stream;
    private readonly string file;
    private readonly Func<object?, object?> persistentLoad;
    private readonly List<object?> stack = [];
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];
    private long position;

    /// <param name="stream">Read from its current position up to and including the STOP opcode, and no further.</param>
    /// <param name="file">The file name used in error messages.</param>
    /// <param name="persistentLoad">Resolves persistent ids (storages); receives the decoded id.</param>
    public PickleReader(Stream stream, string file, Func<object?, object?> persistentLoad)
    {
        this.stream = stream;
        this.file = file;
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
                    Push(Peek(at));
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
                    string intText = ReadLine();
                    Push(intText switch
                    {
                        "00" => false,
                        "01" => true,
                        _ => ParseLong(intText, at),
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
                    Push(Normalise(BigInteger.Parse(ReadLine().TrimEnd('L'), CultureInfo.InvariantCulture)));
                    break;
                case 0x8a: // LONG1
                    Push(Normalise(new BigInteger(ReadBytes(ReadByte()), isUnsigned: false, isBigEndian: false)));
                    break;
                case 0x8b: // LONG4
                    Push(Normalise(new BigInteger(ReadBytes(ReadLength(4, at)), isUnsigned: false, isBigEndian: false)));
                    break;
                case 'F':
                    Push(double.Parse(ReadLine(), NumberStyles.Float, CultureInfo.InvariantCulture));
                    break;
                case 'G':
                    Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                    break;
                case 'S': // STRING (protocol 0, quoted Python 2 str)
                    Push(Unquote(ReadLine(), at));
                    break;
                case 'T': // BINSTRING (Python 2 str)
                    Push(DecodePython2(ReadBytes(ReadLength(4, at))));
                    break;
                case 'U': // SHORT_BINSTRING
                    Push(DecodePython2(ReadBytes(ReadByte())));
                    break;
                case 'V': // UNICODE (raw-unicode-escape)
                    Push(ReadLine());
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
                    Push(new PickleTuple(PopMark(at).ToArray()));
                    break;
                case 0x85:
                    Push(new PickleTuple([Pop(at)]));
                    break;
                case 0x86:
                    {
                        object? b = Pop(at);
                        object? a = Pop(at);
                        Push(new PickleTuple([a, b]));
                        break;
                    }

                case 0x87:
                    {
                        object? c = Pop(at);
                        object? b = Pop(at);
                        object? a = Pop(at);
                        Push(new PickleTuple([a, b, c]));
                        break;
                    }

                case ']':
                    Push(new List<object?>());
                    break;
                case 'l':
                    Push(PopMark(at));
                    break;
                case 'a':
                    {
                        object? item = Pop(at);
                        AsList(Peek(at), at).Add(item);
                        break;
                    }

                case 'e':
                    {
                        List<object?> items = PopMark(at);
                        AsList(Peek(at), at).AddRange(items);
                        break;
                    }

                case 0x8f: // EMPTY_SET: read as a list
                    Push(new List<object?>());
                    break;
                case 0x90: // ADDITEMS
                    {
                        List<object?> items = PopMark(at);
                        AsList(Peek(at), at).AddRange(items);
                        break;
                    }

                case 0x91: // FROZENSET
                    Push(PopMark(at));
                    break;
                case '}':
                    Push(new PickleDict());
                    break;
                case 'd':
                    {
                        List<object?> items = PopMark(at);
                        var dict = new PickleDict();
                        SetItems(dict, items, at);
                        Push(dict);
                        break;
                    }

                case 's':
                    {
                        object? value = Pop(at);
                        object? key = Pop(at);
                        AsDict(Peek(at), at).Set(key, value, file);
                        break;
                    }

                case 'u':
                    {
                        List<object?> items = PopMark(at);
                        SetItems(AsDict(Peek(at), at), items, at);
                        break;
                    }

                case 'c': // GLOBAL
                    {
                        string module = ReadLine();
                        string name = ReadLine();
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
                        PickleGlobal cls = ResolveGlobal(ReadLine(), ReadLine(), at);
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
                    Push(persistentLoad(ReadLine()));
                    break;
                case 'Q': // BINPERSID
                    Push(persistentLoad(Pop(at)));
                    break;
                case 'p':
                    memo[ParseLong(ReadLine(), at)] = Peek(at);
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
                    Push(FromMemo(ParseLong(ReadLine(), at), at));
                    break;
                case 'h':
                    Push(FromMemo(ReadByte(), at));
                    break;
                case 'j':
                    Push(FromMemo(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), at));
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

    private static object Normalise(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (long)value : value;

    private long ParseLong(string text, long at) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : throw Corrupt($"bad integer '{text}'", at);

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

    private string Unquote(string text, long at)
    {
        if (text.Length >= 2 && (text[0] == '\'' || text[0] == '"') && text[^1] == text[0])
        {
            return System.Text.RegularExpressions.Regex.Unescape(text[1..^1]);
        }

        throw Corrupt("STRING opcode without quotes", at);
    }

    private void Push(object? value) => stack.Add(value);

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

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            int b = ReadByte();
            if (b == '\n')
            {
                break;
            }

            bytes.Add((byte)b);
        }

        if (bytes.Count > 0 && bytes[^1] == '\r')
        {
            bytes.RemoveAt(bytes.Count - 1);
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private CheckpointException Truncated() =>
        new($"{file}: the pickle ends early (after {position} bytes); the file is truncated or not a PyTorch checkpoint. Copy or download it again.");

    private CheckpointException Corrupt(string problem, long at) =>
        new($"{file}: {problem} (pickle offset {at}); the file is corrupt or not a PyTorch checkpoint.");
}
