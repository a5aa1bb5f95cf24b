using System.Buffers.Binary;
using System.Text;

namespace AdaptSeg.Geo.Build;

/// <summary>What <see cref="ElfVersionPatcher.MakeVersionNeedWeak"/> found and did.</summary>
public enum ElfPatchOutcome
{
    /// <summary>The version requirement was strong and is now weak.</summary>
    Patched,
    /// <summary>The version requirement was already weak; the file was not touched.</summary>
    AlreadyWeak,
    /// <summary>The library does not require that version at all; the file was not touched.</summary>
    NotRequired,
}

/// <summary>
/// Edits the <c>.gnu.version_r</c> (version needs) section of a 64-bit little-endian ELF shared
/// library so that one required symbol version becomes weak (<c>VER_FLG_WEAK</c>).
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> was linked with GCC 13 and asks for
/// <c>GLIBCXX_3.4.32</c> for a single symbol, <c>std::ios_base_library_init()</c>, a link-time
/// anchor that nothing calls. Debian 12's libstdc++ stops at <c>GLIBCXX_3.4.30</c>, so the loader
/// refuses the library. A weak version need is tolerated by glibc when the version is missing,
/// and the library then loads and works. The edit flips one bit and is idempotent.
/// </remarks>
public static class ElfVersionPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Sets <c>VER_FLG_WEAK</c> on every Vernaux entry named <paramref name="versionName"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF file or its tables are out of bounds.</exception>
    public static ElfPatchOutcome MakeVersionNeedWeak(string path, string versionName)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var entries = FindVernaux(bytes, versionName, path);
        if (entries.Count == 0)
        {
            return ElfPatchOutcome.NotRequired;
        }

        bool changed = false;
        foreach (int flagsOffset in entries)
        {
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(flagsOffset));
            if ((flags & VerFlgWeak) == 0)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(flagsOffset), (ushort)(flags | VerFlgWeak));
                changed = true;
            }
        }

        if (!changed)
        {
            return ElfPatchOutcome.AlreadyWeak;
        }

        // Write beside the file and rename, so a crash never leaves a half-written library.
        string temporary = path + ".patching";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
        return ElfPatchOutcome.Patched;
    }

    /// <summary>Whether the library requires <paramref name="versionName"/> and every such requirement is weak.</summary>
    public static bool? IsVersionNeedWeak(string path, string versionName)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var entries = FindVernaux(bytes, versionName, path);
        if (entries.Count == 0)
        {
            return null;
        }

        return entries.All(offset => (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset)) & VerFlgWeak) != 0);
    }

    /// <summary>
    /// Whether a libstdc++ defines <paramref name="versionName"/>. A plain search for the
    /// NUL-terminated name is enough: version definitions are stored as such strings in .dynstr.
    /// </summary>
    public static bool LibraryDefinesVersion(string libraryPath, string versionName)
    {
        byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
        byte[] bytes = File.ReadAllBytes(libraryPath);
        return bytes.AsSpan().IndexOf(needle) >= 0;
    }

    /// <summary>Returns the file offsets of the <c>vna_flags</c> fields whose name matches.</summary>
    private static List<int> FindVernaux(byte[] elf, string versionName, string path)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException($"'{path}' is not an ELF file.");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException($"'{path}' is not a 64-bit little-endian ELF file.");
        }

        ReadOnlySpan<byte> span = elf;
        long sectionTable = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        var found = new List<int>();

        for (int s = 0; s < sectionCount; s++)
        {
            int header = Checked(sectionTable + (long)s * sectionSize, 64, elf.Length, path);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(span[(header + 4)..]);
            if (type != ShtGnuVerneed)
            {
                continue;
            }

            long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[(header + 24)..]);
            uint link = BinaryPrimitives.ReadUInt32LittleEndian(span[(header + 40)..]);
            uint needCount = BinaryPrimitives.ReadUInt32LittleEndian(span[(header + 44)..]);
            int strings = Checked(sectionTable + (long)link * sectionSize, 64, elf.Length, path);
            long stringsOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[(strings + 24)..]);

            long need = offset;
            for (uint n = 0; n < needCount; n++)
            {
                int vn = Checked(need, 16, elf.Length, path);
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(vn + 2)..]);
                long aux = need + BinaryPrimitives.ReadUInt32LittleEndian(span[(vn + 8)..]);
                for (int a = 0; a < auxCount; a++)
                {
                    int vna = Checked(aux, 16, elf.Length, path);
                    uint name = BinaryPrimitives.ReadUInt32LittleEndian(span[(vna + 8)..]);
                    if (ReadString(span, Checked(stringsOffset + name, 1, elf.Length, path)) == versionName)
                    {
                        found.Add(vna + 4);
                    }

                    aux += BinaryPrimitives.ReadUInt32LittleEndian(span[(vna + 12)..]);
                }

                need += BinaryPrimitives.ReadUInt32LittleEndian(span[(vn + 12)..]);
            }
        }

        return found;
    }

    private static int Checked(long offset, int length, int fileLength, string path)
    {
        if (offset < 0 || offset + length > fileLength)
        {
            throw new InvalidDataException($"'{path}' is truncated or corrupt: an ELF table points past the end of the file.");
        }

        return (int)offset;
    }

    private static string ReadString(ReadOnlySpan<byte> span, int start)
    {
        int end = span[start..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? span[start..] : span.Slice(start, end));
    }
}
