using System.Globalization;
using System.Xml.Linq;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// QGIS layer styles (QML) for the outputs: a paletted raster renderer for a class mask that lists
/// only the legend's classes with their names and colours (QGIS otherwise shows all 256 entries of
/// a GeoTIFF colour table), and a categorised fill renderer for the class polygons. QGIS loads
/// <c>&lt;raster&gt;.qml</c> next to a raster by itself; the polygon style goes into the GeoPackage's
/// <c>layer_styles</c> table (<see cref="ClassPolygonizer"/>). Nodata is left to the band's nodata
/// value, which QGIS draws transparent.
/// </summary>
public static class QgisStyle
{
    /// <summary>The QGIS version the files are written for; QGIS 3.x reads them.</summary>
    private const string Version = "3.22.0";

    /// <summary>The sidecar QGIS looks for next to <paramref name="rasterPath"/> (<c>mask.tif</c> → <c>mask.qml</c>).</summary>
    public static string SidecarPathFor(string rasterPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rasterPath);
        return Path.ChangeExtension(rasterPath, ".qml");
    }

    /// <summary>A paletted renderer on band 1: one entry per class (value, colour, name).</summary>
    public static string PalettedRaster(ClassLegend legend)
    {
        ArgumentNullException.ThrowIfNull(legend);
        var palette = new XElement("colorPalette", legend.Entries.Select(e => new XElement(
            "paletteEntry",
            new XAttribute("value", e.Value.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("color", $"#{e.Red:x2}{e.Green:x2}{e.Blue:x2}"),
            new XAttribute("alpha", "255"),
            new XAttribute("label", e.Name))));
        var renderer = new XElement(
            "rasterrenderer",
            new XAttribute("type", "paletted"),
            new XAttribute("band", "1"),
            new XAttribute("opacity", "1"),
            new XAttribute("alphaBand", "-1"),
            new XAttribute("nodataColor", ""),
            new XElement("rasterTransparency"),
            palette);
        var pipe = new XElement(
            "pipe",
            new XElement("provider", new XElement(
                "resampling",
                new XAttribute("enabled", "false"),
                new XAttribute("zoomedInResamplingMethod", "nearestNeighbour"),
                new XAttribute("zoomedOutResamplingMethod", "nearestNeighbour"),
                new XAttribute("maxOversampling", "2"))),
            renderer,
            new XElement("brightnesscontrast", new XAttribute("brightness", "0"), new XAttribute("contrast", "0"), new XAttribute("gamma", "1")),
            new XElement("huesaturation", new XAttribute("saturation", "0"), new XAttribute("grayscaleMode", "0"), new XAttribute("colorizeOn", "0"), new XAttribute("invertColors", "0")),
            new XElement("rasterresampler", new XAttribute("maxOversampling", "2")));
        return Document(new XElement("qgis", new XAttribute("version", Version), new XAttribute("styleCategories", "AllStyleCategories"), pipe, new XElement("blendMode", "0")));
    }

    /// <summary>A categorised fill renderer on the integer field <paramref name="field"/>: one category per class, filled with its colour.</summary>
    public static string CategorisedPolygons(ClassLegend legend, string field)
    {
        ArgumentNullException.ThrowIfNull(legend);
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        var categories = new XElement("categories", legend.Entries.Select((e, i) => new XElement(
            "category",
            new XAttribute("value", e.Value.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("label", e.Name),
            new XAttribute("symbol", i.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("render", "true"))));
        var symbols = new XElement("symbols", legend.Entries.Select((e, i) => FillSymbol(i.ToString(CultureInfo.InvariantCulture), e)));
        var renderer = new XElement(
            "renderer-v2",
            new XAttribute("type", "categorizedSymbol"),
            new XAttribute("attr", field),
            new XAttribute("symbollevels", "0"),
            new XAttribute("enableorderby", "0"),
            new XAttribute("forceraster", "0"),
            categories,
            symbols);
        return Document(new XElement("qgis", new XAttribute("version", Version), new XAttribute("styleCategories", "AllStyleCategories"), renderer, new XElement("blendMode", "0")));
    }

    private static XElement FillSymbol(string name, ClassEntry entry)
    {
        // Both spellings of symbol-layer properties: <Option> (QGIS 3.26+) and <prop> (older 3.x).
        (string Key, string Value)[] properties =
        [
            ("color", $"{entry.Red},{entry.Green},{entry.Blue},255"),
            ("outline_color", "35,35,35,255"),
            ("outline_style", "solid"),
            ("outline_width", "0.26"),
            ("outline_width_unit", "MM"),
            ("style", "solid"),
        ];
        return new XElement(
            "symbol",
            new XAttribute("type", "fill"),
            new XAttribute("name", name),
            new XAttribute("alpha", "1"),
            new XAttribute("clip_to_extent", "1"),
            new XAttribute("force_rhr", "0"),
            new XElement(
                "layer",
                new XAttribute("class", "SimpleFill"),
                new XAttribute("enabled", "1"),
                new XAttribute("locked", "0"),
                new XAttribute("pass", "0"),
                new XElement("Option", new XAttribute("type", "Map"), properties.Select(p => new XElement(
                    "Option", new XAttribute("name", p.Key), new XAttribute("value", p.Value), new XAttribute("type", "QString")))),
                properties.Select(p => new XElement("prop", new XAttribute("k", p.Key), new XAttribute("v", p.Value)))));
    }

    private static string Document(XElement root) =>
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + root.ToString() + "\n";
}
