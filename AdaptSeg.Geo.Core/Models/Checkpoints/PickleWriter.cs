using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// Writes a pickle in protocol 2, as <c>torch.save</c> does for <c>data.pkl</c>: plain values, dicts, lists,
/// and tensors as <c>torch._utils._rebuild_tensor_v2</c> calls over persistent storage ids. Only globals that
/// <c>torch.load(weights_only=True)</c> accepts are written. No memo is used (every value is written once).
/// </summary>
internal sealed class PickleWriter(Stream output)
{
    private readonly BinaryWriter w = new(output, Encoding.UTF8, leaveOpen: true);

    public void WriteProtocolHeader()
    {
        w.Write((byte)0x80);
        w.Write((byte)2);
    }

    public void WriteStop()
    {
        w.Write((byte)'.');
        w.Flush();
    }

    public void None() => w.Write((byte)'N');

    public void Bool(bool value) => w.Write((byte)(value ? 0x88 : 0x89));

    public void Int(long value)
    {
        if (value is >= 0 and <= byte.MaxValue)
        {
            w.Write((byte)'K');
            w.Write((byte)value);
        }
        else if (value is >= 0 and <= ushort.MaxValue)
        {
            w.Write((byte)'M');
            w.Write((ushort)value);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            w.Write((byte)'J');
            w.Write((int)value);
        }
        else
        {
            w.Write((byte)0x8a);
            w.Write((byte)8);
            w.Write(value);
        }
    }

    public void Float(double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(bytes, value);
        w.Write((byte)'G');
        w.Write(bytes);
    }

    public void String(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        w.Write((byte)'X');
        w.Write((uint)bytes.Length);
        w.Write(bytes);
    }

    /// <summary>A <c>module\nname\n</c> GLOBAL.</summary>
    public void Global(string module, string name)
    {
        w.Write((byte)'c');
        w.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
    }

    public void Mark() => w.Write((byte)'(');

    public void Tuple() => w.Write((byte)'t');

    public void EmptyTuple() => w.Write((byte)')');

    public void Reduce() => w.Write((byte)'R');

    public void BinPersId() => w.Write((byte)'Q');

    public void EmptyDict() => w.Write((byte)'}');

    public void SetItems() => w.Write((byte)'u');

    public void EmptyList() => w.Write((byte)']');

    public void Appends() => w.Write((byte)'e');

    /// <summary>A tuple of integers (a tensor's size or stride).</summary>
    public void IntTuple(IEnumerable<long> values)
    {
        Mark();
        foreach (long v in values)
        {
            Int(v);
        }

        Tuple();
    }

    /// <summary>Writes a non-tensor value: null, bool, integers, floating point, string, lists or dicts of them.</summary>
    /// <param name="writeOther">Called for values this writer does not know (tensors); returns false when the caller cannot either.</param>
    public void Value(object? value, string where, Func<object, string, bool> writeOther)
    {
        switch (value)
        {
            case null:
                None();
                break;
            case bool b:
                Bool(b);
                break;
            case byte or sbyte or short or ushort or int or uint or long:
                Int(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case float or double or decimal:
                Float(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case string s:
                String(s);
                break;
            case IDictionary dict:
                EmptyDict();
                if (dict.Count > 0)
                {
                    Mark();
                    foreach (DictionaryEntry entry in dict)
                    {
                        Key(entry.Key, where);
                        Value(entry.Value, Child(where, entry.Key), writeOther);
                    }

                    SetItems();
                }

                break;
            default:
                if (writeOther(value, where))
                {
                    break;
                }

                if (value is IEnumerable<KeyValuePair<string, TorchSharp.torch.Tensor>> tensorPairs)
                {
                    Value(tensorPairs.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)).ToList(), where, writeOther);
                    break;
                }

                if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    EmptyDict();
                    Mark();
                    foreach (var (k, v) in pairs)
                    {
                        String(k);
                        Value(v, Child(where, k), writeOther);
                    }

                    SetItems();
                    break;
                }

                if (value is IEnumerable items)
                {
                    EmptyList();
                    Mark();
                    int i = 0;
                    foreach (object? item in items)
                    {
                        Value(item, $"{where}[{i++}]", writeOther);
                    }

                    Appends();
                    break;
                }

                throw new CheckpointException($"'{where}': a {value.GetType().Name} cannot be written to a checkpoint; use tensors, strings, numbers, booleans, lists or dicts.");
        }
    }

    private void Key(object key, string where)
    {
        switch (key)
        {
            case string s:
                String(s);
                break;
            case byte or sbyte or short or ushort or int or uint or long:
                Int(Convert.ToInt64(key, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                throw new CheckpointException($"'{where}': a dict key of type {key.GetType().Name} cannot be written; use strings or integers.");
        }
    }

    private static string Child(string where, object key) => where.Length == 0 ? $"{key}" : $"{where}.{key}";
}
