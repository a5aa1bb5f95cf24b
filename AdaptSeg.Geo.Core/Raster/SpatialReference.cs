using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// A coordinate reference system (GDAL's OGRSpatialReference). Built from a raster's WKT or from
/// what a user types ("EPSG:32725", a WKT string, a PROJ string). Axis order is always the
/// traditional GIS order (x = easting or longitude), whatever the authority says.
/// </summary>
public sealed class SpatialReference : IDisposable
{
    private readonly GdalOwnedHandle handle;

    private SpatialReference(GdalOwnedHandle handle)
    {
        this.handle = handle;
        GdalNative.OSRSetAxisMappingStrategy(handle.Pointer, GdalNative.OamsTraditionalGisOrder);
    }

    internal IntPtr Handle => !handle.IsClosed ? handle.Pointer : throw new ObjectDisposedException(nameof(SpatialReference));

    /// <summary>From WKT as GDAL stores it in a raster. Throws when the text is empty or not a CRS.</summary>
    public static SpatialReference FromWkt(string wkt, string? sourcePath = null)
    {
        if (string.IsNullOrWhiteSpace(wkt))
        {
            throw new GdalException(
                sourcePath is null ? "The CRS is empty." : $"'{sourcePath}' has no coordinate reference system. Give one with PrepareConfig.AssumeCrs (for example EPSG:32725), or fix the file with 'gdal_edit.py -a_srs'.",
                null, sourcePath);
        }

        return FromUserInput(wkt, sourcePath);
    }

    /// <summary>From "EPSG:xxxx", WKT, PROJ.4 or any definition <c>OSRSetFromUserInput</c> accepts.</summary>
    public static SpatialReference FromUserInput(string definition, string? sourcePath = null)
    {
        Gdal.Initialize();
        var h = GdalOwnedHandle.SpatialReference(GdalNative.OSRNewSpatialReference(null));
        Gdal.ClearError();
        if (GdalNative.OSRSetFromUserInput(h.Pointer, definition) != GdalNative.OgrErrNone)
        {
            h.Dispose();
            string shown = definition.Length > 80 ? definition[..80] + "..." : definition;
            Gdal.ThrowIf(true,
                $"'{shown}'{(sourcePath is null ? "" : $" (from '{sourcePath}')")} is not a coordinate reference system GDAL knows. Use an EPSG code such as EPSG:32725, or WKT.",
                sourcePath);
        }

        Gdal.TakeError();
        return new SpatialReference(h);
    }

    /// <summary>The CRS as WKT (GDAL's default WKT1 flavour, as rasters store it).</summary>
    public string Wkt
    {
        get
        {
            Gdal.ClearError();
            int err = GdalNative.OSRExportToWkt(Handle, out IntPtr text);
            try
            {
                Gdal.ThrowIf(err != GdalNative.OgrErrNone, "Could not export the CRS as WKT.");
                return Marshal.PtrToStringUTF8(text) ?? "";
            }
            finally
            {
                GdalNative.VSIFree(text);
            }
        }
    }

    /// <summary>The CRS name, for example "SAD69 / UTM zone 22S".</summary>
    public string Name => Marshal.PtrToStringUTF8(GdalNative.OSRGetName(Handle)) ?? "unnamed";

    /// <summary>The EPSG code, when the definition carries one or GDAL can identify it; otherwise null.</summary>
    public int? EpsgCode
    {
        get
        {
            if (ReadEpsg() is int code)
            {
                return code;
            }

            Gdal.ClearError();
            GdalNative.OSRAutoIdentifyEPSG(Handle);
            Gdal.TakeError();
            return ReadEpsg();
        }
    }

    /// <summary>"EPSG:xxxx" when known, else the CRS name.</summary>
    public string Describe() => EpsgCode is int code ? $"EPSG:{code} ({Name})" : Name;

    /// <summary>Whether the CRS is projected (linear units) rather than geographic (degrees).</summary>
    public bool IsProjected => GdalNative.OSRIsProjected(Handle) != 0;

    /// <summary>Metres per linear unit (1 for metres); for a geographic CRS this is not meaningful.</summary>
    public double LinearUnitInMetres => GdalNative.OSRGetLinearUnits(Handle, out _);

    /// <summary>Whether both describe the same CRS (GDAL's <c>OSRIsSame</c>, which ignores names and axis-order metadata).</summary>
    public bool IsSame(SpatialReference other) => GdalNative.OSRIsSame(Handle, other.Handle) != 0;

    /// <summary>Transforms points in place from this CRS to <paramref name="target"/>.</summary>
    public unsafe void Transform(SpatialReference target, Span<double> x, Span<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"{x.Length} x values but {y.Length} y values.", nameof(y));
        }

        Gdal.ClearError();
        using var transformation = GdalOwnedHandle.CoordinateTransformation(GdalNative.OCTNewCoordinateTransformation(Handle, target.Handle));
        Gdal.ThrowIf(transformation.IsInvalid, $"No coordinate transformation from {Describe()} to {target.Describe()}.");
        fixed (double* px = x)
        fixed (double* py = y)
        {
            Gdal.ClearError();
            bool ok = GdalNative.OCTTransform(transformation.Pointer, x.Length, px, py, null) != 0;
            Gdal.ThrowIf(!ok, $"Transforming {x.Length} point(s) from {Describe()} to {target.Describe()} failed (points outside the CRS's area of use?).");
        }
    }

    public void Dispose() => handle.Dispose();

    private int? ReadEpsg()
    {
        string? authority = Marshal.PtrToStringUTF8(GdalNative.OSRGetAuthorityName(Handle, null));
        string? code = Marshal.PtrToStringUTF8(GdalNative.OSRGetAuthorityCode(Handle, null));
        return authority == "EPSG" && int.TryParse(code, out int value) ? value : null;
    }
}
