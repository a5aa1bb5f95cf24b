namespace AdaptSeg.Geo.Raster;

/// <summary>
/// The classes of a mask, values 0..n-1, with names and colours; 255 is nodata. Written into
/// every mask as a colour table, category names and a raster attribute table.
/// </summary>
public sealed class ClassLegend
{
    /// <summary>The nodata value of class masks.</summary>
    public const byte NoData = 255;

    // Distinct colours in the spirit of the Cityscapes palette; cycled past 12 classes.
    private static readonly (byte R, byte G, byte B)[] Palette =
    [
        (31, 119, 180), (44, 160, 44), (210, 180, 140), (214, 39, 40), (148, 103, 189), (255, 127, 14),
        (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207), (70, 70, 70),
    ];

    /// <summary>A legend from entries whose values are 0..n-1 in order.</summary>
    public ClassLegend(IReadOnlyList<ClassEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(entries), entries.Count, "A legend needs 1..255 classes (255 is nodata).");
        }

        for (int i = 0; i < entries.Count; i++)
        {
            if (entries[i].Value != i)
            {
                throw new ArgumentException($"Class '{entries[i].Name}' has value {entries[i].Value}; classes must be numbered 0..{entries.Count - 1} in order.", nameof(entries));
            }

            if (string.IsNullOrWhiteSpace(entries[i].Name))
            {
                throw new ArgumentException($"Class {i} has an empty name.", nameof(entries));
            }
        }

        string? duplicate = entries.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"The class name '{duplicate}' appears twice; class names must be unique.", nameof(entries));
        }

        Entries = entries;
    }

    /// <summary>The classes, value order.</summary>
    public IReadOnlyList<ClassEntry> Entries { get; }

    /// <summary>Number of classes.</summary>
    public int Count => Entries.Count;

    /// <summary>The class names, value order.</summary>
    public IReadOnlyList<string> Names => [.. Entries.Select(e => e.Name)];

    /// <summary>Names with the default palette.</summary>
    public static ClassLegend FromNames(IReadOnlyList<string> names) =>
        new([.. names.Select((n, i) => new ClassEntry(i, n.Trim(), Palette[i % Palette.Length].R, Palette[i % Palette.Length].G, Palette[i % Palette.Length].B))]);

    /// <summary><c>class_0 .. class_{n-1}</c> with the default palette, for when no names are known.</summary>
    public static ClassLegend Numbered(int count) =>
        FromNames([.. Enumerable.Range(0, count).Select(i => $"class_{i}")]);
}
