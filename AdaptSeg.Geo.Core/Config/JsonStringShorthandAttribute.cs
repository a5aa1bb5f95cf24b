namespace AdaptSeg.Geo.Config;

/// <summary>
/// Marks a configuration record that may also be written as a plain string, standing for its one
/// required member (<c>"init": "weights.pth"</c> for <c>"init": { "path": "weights.pth" }</c>).
/// <see cref="JsonShapeChecker"/> accepts the string; the property's JSON converter reads it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class JsonStringShorthandAttribute(string member) : Attribute
{
    /// <summary>The member the string stands for.</summary>
    public string Member { get; } = member;
}
