namespace AdaptSeg.Geo.Config;

/// <summary>The two domains of LoveDA (folder names <c>Rural</c> and <c>Urban</c>).</summary>
public enum LoveDaDomain
{
    Rural,
    Urban,
}
