namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// Image lists as in the reference (<c>dataset/gta5_list/train.txt</c>,
/// <c>dataset/cityscapes_list/val.txt</c>): one name a line, relative to the image folder
/// (GTA5: <c>00001.png</c>; Cityscapes: <c>frankfurt/frankfurt_000000_000294_leftImg8bit.png</c>).
/// </summary>
public static class ImageList
{
    /// <summary>Reads a list file: lines trimmed, blank lines skipped. Throws when it is missing, empty or names an absolute or parent path.</summary>
    public static IReadOnlyList<string> Read(string listPath)
    {
        if (!File.Exists(listPath))
        {
            throw new CityscapesDataException($"Image list '{listPath}' does not exist. Give a file with one image name a line (like the reference 'val.txt'), or leave the list out to scan the folders.", listPath);
        }

        var names = new List<string>();
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(listPath))
        {
            lineNumber++;
            string name = raw.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (Path.IsPathRooted(name) || name.Split('/', '\\').Contains(".."))
            {
                throw new CityscapesDataException($"Image list '{listPath}' line {lineNumber}: '{name}' must be relative to the image folder (no leading '/', no '..').", listPath);
            }

            names.Add(name.Replace('\\', '/'));
        }

        if (names.Count == 0)
        {
            throw new CityscapesDataException($"Image list '{listPath}' names no images.", listPath);
        }

        return names;
    }

    /// <summary>All <c>*.png</c> under <paramref name="folder"/> (recursively), as '/'-separated relative names in ordinal order.</summary>
    public static IReadOnlyList<string> Scan(string folder, string suffix = ".png")
    {
        if (!Directory.Exists(folder))
        {
            throw new CityscapesDataException($"Folder '{folder}' does not exist.", folder);
        }

        var names = Directory.EnumerateFiles(folder, "*" + suffix, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            throw new CityscapesDataException($"Folder '{folder}' holds no '*{suffix}' files.", folder);
        }

        return names;
    }
}
