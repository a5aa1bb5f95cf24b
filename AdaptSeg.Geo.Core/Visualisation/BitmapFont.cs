namespace AdaptSeg.Geo.Visualisation;

/// <summary>
/// A classic 5x7 pixel font (columns, least significant bit at the top), enough for plot labels
/// without a font library: ImageSharp.Drawing is not available (its 2.x needs packages not served
/// here, and 3.x is under a paid licence).
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;

    private static readonly Dictionary<char, byte[]> Glyphs = Build();

    /// <summary>The columns of a glyph; unknown characters draw as a blank.</summary>
    public static ReadOnlySpan<byte> Columns(char c) => Glyphs.TryGetValue(c, out byte[]? g) ? g : Glyphs[' '];

    private static Dictionary<char, byte[]> Build()
    {
        const string table =
            " 0000000000|03E5149453E|100427F4000|24261514946|32141454B31|41814127F10|52745454539|63C4A494930|70171090503|83649494936|9064949291E|" +
            "a2054545478|b7F48444438|c3844444420|d384444487F|e3854545418|f087E090102|g0C5252523E|h7F08040478|i00447D4000|j2040443D00|k7F10284400|" +
            "l00417F4000|m7C04180478|n7C08040478|o3844444438|p7C14141408|q081414187C|r7C08040408|s4854545420|t043F444020|u3C4040207C|v1C2040201C|" +
            "w3C4030403C|x4428102844|y0C5050503C|z4464544C44|.0060600000|-0808080808|:0036360000|/2010080402|(001C224100|)0041221C00|" +
            "%2313086462|+08083E0808|=1414141414|A7E1111117E|B7F49494936|C3E41414122|D7F4141221C|E7F49494941|F7F09090901|G3E4149497A|" +
            "H7F0808087F|I00417F4100|J2040413F01|K7F08142241|L7F40404040|M7F021C027F|N7F0408107F|O3E4141413E|P7F09090906|Q3E4151215E|" +
            "R7F09192946|S2649494932|T03017F0103|U3F4040403F|V1F2040201F|W3F4038403F|X6314081463|Y0304780403|Z6159494D43|,0080600000|_4040404040";
        var glyphs = new Dictionary<char, byte[]>();
        foreach (string entry in table.Split('|'))
        {
            string hex = entry[1..].Replace(" ", "0", StringComparison.Ordinal);
            glyphs[entry[0]] = Enumerable.Range(0, GlyphWidth).Select(i => Convert.ToByte(hex.Substring(i * 2, 2), 16)).ToArray();
        }

        return glyphs;
    }
}
