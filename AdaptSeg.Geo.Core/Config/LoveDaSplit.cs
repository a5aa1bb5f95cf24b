namespace AdaptSeg.Geo.Config;

/// <summary>The splits of LoveDA (folder names <c>Train</c>, <c>Val</c>, <c>Test</c>; Test's masks are hidden).</summary>
public enum LoveDaSplit
{
    Train,
    Val,
    Test,
}
