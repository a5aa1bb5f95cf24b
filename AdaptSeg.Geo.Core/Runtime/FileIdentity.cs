using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Runtime;

/// <summary>
/// What makes two paths the same file: the device and inode number that <c>statx(2)</c> reports
/// after following symbolic links (so a link, a hard link, a bind mount or a path through a linked
/// folder all compare equal to the file itself). Used to refuse an output that is one of a
/// command's inputs, whatever the path text says. Off Linux the fully resolved path stands in.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode, string? ResolvedPath)
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>The identity of the file or folder <paramref name="path"/> names (links followed), or null when nothing is there.</summary>
    public static FileIdentity? Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(full) || Directory.Exists(full) ? new FileIdentity(0, 0, Resolve(full)) : null;
        }

        Span<byte> buffer = stackalloc byte[256];
        buffer.Clear();
        int rc;
        unsafe
        {
            fixed (byte* b = buffer)
            {
                rc = Statx(AtFdCwd, full, 0, StatxBasicStats, b);
            }
        }

        if (rc != 0)
        {
            return null; // ENOENT, a dangling link, or no permission to look: not a file we could destroy.
        }

        // struct statx: stx_ino at offset 32; stx_dev_major and stx_dev_minor at 136 and 140 (the same on every architecture).
        ulong inode = BitConverter.ToUInt64(buffer[32..40]);
        ulong major = BitConverter.ToUInt32(buffer[136..140]);
        ulong minor = BitConverter.ToUInt32(buffer[140..144]);
        return new FileIdentity((major << 32) | minor, inode, null);
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> name the same existing file or folder.</summary>
    public static bool Same(string a, string b) => Of(a) is { } x && Of(b) is { } y && x.Equals(y);

    /// <summary>
    /// Whether <paramref name="path"/> is <paramref name="folder"/> or lies (at any depth) inside it,
    /// comparing each ancestor of <paramref name="path"/> by identity.
    /// </summary>
    public static bool IsInside(string path, string folder)
    {
        if (Of(folder) is not { } target)
        {
            return false;
        }

        for (string? current = Path.GetFullPath(path); current is not null; current = Path.GetDirectoryName(current))
        {
            if (Of(current) is { } id && id.Equals(target))
            {
                return true;
            }
        }

        // A path reached through a linked folder: compare the resolved path's ancestors too.
        string? real = Resolve(Path.GetFullPath(path));
        for (string? current = real; current is not null; current = Path.GetDirectoryName(current))
        {
            if (Of(current) is { } id && id.Equals(target))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The path with every symbolic link in it resolved (the path itself when nothing is there).</summary>
    public static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(full);
        string head = parent is null ? full : Path.Combine(Resolve(parent), Path.GetFileName(full));
        try
        {
            FileSystemInfo info = Directory.Exists(head) ? new DirectoryInfo(head) : new FileInfo(head);
            return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? head;
        }
        catch (IOException)
        {
            return head;
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern unsafe int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte* buffer);
}
