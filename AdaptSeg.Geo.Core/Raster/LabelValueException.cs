namespace AdaptSeg.Geo.Raster;

/// <summary>A label file holds values that are not in the class list (and not 255 = ignore).</summary>
public sealed class LabelValueException(string path, string message, IReadOnlyList<string> valuesOutside) : AdaptSegInputException(message)
{
    /// <summary>The label file.</summary>
    public string Path { get; } = path;

    /// <summary>The offending values, as found.</summary>
    public IReadOnlyList<string> ValuesOutside { get; } = valuesOutside;
}
