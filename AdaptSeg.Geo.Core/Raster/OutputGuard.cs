using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// The one check every verb runs on its lists of inputs and outputs before any work: no output is
/// an input (compared by file identity, device and inode after following links, so a symbolic or
/// hard link or a linked folder cannot hide it; GDAL's remote <c>/vsi…/</c> paths by their text),
/// no output is the <c>.aux.xml</c> sidecar of an input or has an input as its sidecar, no two
/// outputs are one file, an existing output is replaced only with <c>overwrite</c> (which never
/// extends to inputs), and every path was valid UTF-8. Each pair is given as (option, path), the
/// option naming where the path came from (<c>--output</c>, <c>$.model.init</c>) for the message.
/// </summary>
public static class OutputGuard
{
    private const string Sidecar = ".aux.xml";

    /// <summary>Throws <see cref="UnsafePathException"/> for the first unsafe output; null paths are skipped.</summary>
    /// <param name="overwriteOption">The caller's option that allows replacing existing outputs, named in the message (the CLI shows its flag).</param>
    public static void Check(IEnumerable<(string Option, string? Path)> inputs, IEnumerable<(string Option, string? Path)> outputs, bool overwrite,
        string overwriteOption = "Overwrite")
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var ins = inputs.Where(i => i.Path is not null).Select(i => (i.Option, Path: i.Path!)).ToList();
        var outs = outputs.Where(o => o.Path is not null).Select(o => (o.Option, Path: o.Path!)).ToList();
        foreach (var (option, path) in ins.Concat(outs))
        {
            ThrowIfNotUtf8(option, path);
        }

        for (int i = 0; i < outs.Count; i++)
        {
            var (option, path) = outs[i];
            if (!IsRemote(path) && Directory.Exists(path))
            {
                throw new UnsafePathException($"{option} '{path}' is a folder; give a file name.", path);
            }

            foreach (var (inOption, input) in ins)
            {
                if (SameFile(path, input))
                {
                    throw new UnsafePathException(
                        $"{option} '{path}' is the input {inOption} '{input}'{Via(path, input)}; an output never replaces an input, not even when overwriting is allowed. Choose another name for {option}.",
                        path);
                }

                if (!IsRemote(input) && SameFile(path, input + Sidecar))
                {
                    throw new UnsafePathException(
                        $"{option} '{path}' is the sidecar of the input {inOption} '{input}' (GDAL keeps its class names and statistics there); choose another name for {option}.",
                        path);
                }

                if (!IsRemote(path) && SameFile(path + Sidecar, input))
                {
                    throw new UnsafePathException(
                        $"Writing {option} '{path}' would replace its sidecar '{path + Sidecar}', which is the input {inOption}; choose another name for {option}.",
                        path);
                }
            }

            for (int j = 0; j < i; j++)
            {
                if (SameFile(path, outs[j].Path))
                {
                    throw new UnsafePathException($"{outs[j].Option} '{outs[j].Path}' and {option} '{path}' name the same file; give each output its own name.", path);
                }
            }

            if (!overwrite && !IsRemote(path) && File.Exists(path))
            {
                throw new UnsafePathException($"{option} '{path}' already exists; choose another name or allow replacing it ({overwriteOption}).", path);
            }
        }
    }

    /// <summary>
    /// Throws when an input lies inside <paramref name="folder"/> (or is it), which a command is about
    /// to replace as a whole: replacing it would delete the input.
    /// </summary>
    public static void CheckFolder(IEnumerable<(string Option, string? Path)> inputs, string option, string folder)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ThrowIfNotUtf8(option, folder);
        foreach (var (inOption, input) in inputs)
        {
            if (input is null || IsRemote(input))
            {
                continue;
            }

            ThrowIfNotUtf8(inOption, input);
            if (FileIdentity.IsInside(input, folder))
            {
                throw new UnsafePathException(
                    $"{option} '{folder}' holds the input {inOption} '{input}'; replacing the folder would delete it. Choose an output folder that holds none of the inputs.",
                    folder);
            }
        }
    }

    /// <summary>
    /// Throws when <paramref name="path"/> holds U+FFFD, which is how .NET shows bytes of a name
    /// that are not UTF-8: the file could not be opened, or an output would get another name.
    /// </summary>
    public static void ThrowIfNotUtf8(string option, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\uFFFD', StringComparison.Ordinal))
        {
            throw new UnsafePathException(
                $"{option} '{path}' is not valid UTF-8 (the undecodable bytes show as U+FFFD), so it cannot be named exactly. Rename the file or folder to a UTF-8 name (convmv -f latin1 -t utf8 --notest NAME), or set a UTF-8 locale.",
                path);
        }
    }

    /// <summary>Whether GDAL reads <paramref name="path"/> through a virtual file system (/vsicurl/, /vsis3/, /vsizip/…).</summary>
    public static bool IsRemote(string path) => path.StartsWith("/vsi", StringComparison.Ordinal);

    /// <summary>Whether two paths name the same file: by text for /vsi paths, else by full path or file identity.</summary>
    public static bool SameFile(string a, string b)
    {
        if (IsRemote(a) || IsRemote(b))
        {
            return string.Equals(a, b, StringComparison.Ordinal);
        }

        return string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal) || FileIdentity.Same(a, b);
    }

    private static string Via(string output, string input) =>
        string.Equals(Path.GetFullPath(output), Path.GetFullPath(input), StringComparison.Ordinal) ? "" : " (the same file through a link)";
}
