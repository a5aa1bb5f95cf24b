using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>An open GDAL raster dataset. Owns the native handle; dispose it to close the file.</summary>
public sealed class GdalDataset : IDisposable
{
    private readonly GdalDatasetHandle handle;

    private GdalDataset(IntPtr handle, string path)
    {
        this.handle = new GdalDatasetHandle(handle);
        Path = path;
    }

    /// <summary>The path it was opened or created with.</summary>
    public string Path { get; }

    /// <summary>Width in pixels.</summary>
    public int Width => GdalNative.GDALGetRasterXSize(Handle);

    /// <summary>Height in pixels.</summary>
    public int Height => GdalNative.GDALGetRasterYSize(Handle);

    /// <summary>Number of bands.</summary>
    public int BandCount => GdalNative.GDALGetRasterCount(Handle);

    /// <summary>Short name of the driver (GTiff, VRT, ...).</summary>
    public string DriverName => Marshal.PtrToStringUTF8(GdalNative.GDALGetDriverShortName(GdalNative.GDALGetDatasetDriver(Handle))) ?? "";

    /// <summary>The coordinate reference system as WKT, or an empty string when the file has none.</summary>
    public string ProjectionWkt
    {
        get => Marshal.PtrToStringUTF8(GdalNative.GDALGetProjectionRef(Handle)) ?? "";
        set
        {
            Gdal.ClearError();
            Gdal.ThrowIf(GdalNative.GDALSetProjection(Handle, value) != GdalNative.CeNone, $"Could not set the CRS of '{Path}'.", Path);
        }
    }

    /// <summary>The geotransform, or null when the file has none.</summary>
    public unsafe GeoTransform? GeoTransform
    {
        get
        {
            double* c = stackalloc double[6];
            return GdalNative.GDALGetGeoTransform(Handle, c) == GdalNative.CeNone ? Raster.GeoTransform.FromArray(new ReadOnlySpan<double>(c, 6)) : null;
        }
    }

    /// <summary>Sets the geotransform.</summary>
    public unsafe void SetGeoTransform(GeoTransform transform)
    {
        double[] c = transform.ToArray();
        fixed (double* p = c)
        {
            Gdal.ClearError();
            Gdal.ThrowIf(GdalNative.GDALSetGeoTransform(Handle, p) != GdalNative.CeNone, $"Could not set the geotransform of '{Path}'.", Path);
        }
    }

    private IntPtr Handle => !handle.IsClosed ? handle.DangerousGetHandle() : throw new ObjectDisposedException(nameof(GdalDataset), $"'{Path}' is closed.");

    /// <summary>Opens a raster read-only (or for update). Throws with GDAL's message when it cannot.</summary>
    public static GdalDataset Open(string path, bool update = false)
    {
        Gdal.Initialize();
        if (!File.Exists(path) && !path.StartsWith("/vsi", StringComparison.Ordinal) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"Raster '{path}' does not exist. Check the path.", path);
        }

        Gdal.ClearError();
        uint flags = GdalNative.OfRaster | GdalNative.OfVerbose | (update ? GdalNative.OfUpdate : GdalNative.OfReadOnly);
        IntPtr h = GdalNative.GDALOpenEx(path, flags, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        Gdal.ThrowIf(h == IntPtr.Zero, $"Could not open '{path}' as a raster: is it a readable GeoTIFF (or another format GDAL reads), complete and not corrupt?", path);
        return new GdalDataset(h, path);
    }

    /// <summary>Creates a new raster with a driver (for example "GTiff") and creation options ("COMPRESS=DEFLATE").</summary>
    public static GdalDataset Create(string driverName, string path, int width, int height, int bands, RasterDataType type, IEnumerable<string>? options = null)
    {
        Gdal.Initialize();
        IntPtr driver = GdalNative.GDALGetDriverByName(driverName);
        if (driver == IntPtr.Zero)
        {
            throw new GdalException($"GDAL has no '{driverName}' driver; install a GDAL build that includes it.");
        }

        using var list = new CStringList(options ?? []);
        Gdal.ClearError();
        IntPtr h = GdalNative.GDALCreate(driver, path, width, height, bands, (int)type, list.Pointer);
        Gdal.ThrowIf(h == IntPtr.Zero, $"Could not create '{path}': check that its folder exists and is writable.", path);
        return new GdalDataset(h, path);
    }

    /// <summary>Copies this dataset to a new file with another driver (used for COG output).</summary>
    public GdalDataset CreateCopy(string driverName, string path, IEnumerable<string>? options = null)
    {
        IntPtr driver = GdalNative.GDALGetDriverByName(driverName);
        if (driver == IntPtr.Zero)
        {
            throw new GdalException($"GDAL has no '{driverName}' driver; install a GDAL build that includes it.");
        }

        using var list = new CStringList(options ?? []);
        Gdal.ClearError();
        IntPtr h = GdalNative.GDALCreateCopy(driver, path, Handle, 0, list.Pointer, IntPtr.Zero, IntPtr.Zero);
        Gdal.ThrowIf(h == IntPtr.Zero, $"Could not copy '{Path}' to '{path}'.", path);
        return new GdalDataset(h, path);
    }

    /// <summary>The pixel type of a band (1-based).</summary>
    public RasterDataType GetDataType(int band) => (RasterDataType)GdalNative.GDALGetRasterDataType(Band(band));

    /// <summary>The nodata value of a band (1-based), or null.</summary>
    public double? GetNoData(int band)
    {
        double value = GdalNative.GDALGetRasterNoDataValue(Band(band), out int has);
        return has != 0 ? value : null;
    }

    /// <summary>Sets the nodata value of a band (1-based).</summary>
    public void SetNoData(int band, double value)
    {
        Gdal.ClearError();
        Gdal.ThrowIf(GdalNative.GDALSetRasterNoDataValue(Band(band), value) != GdalNative.CeNone, $"Could not set nodata on band {band} of '{Path}'.", Path);
    }

    /// <summary>The natural block size of a band (1-based).</summary>
    public (int Width, int Height) GetBlockSize(int band)
    {
        GdalNative.GDALGetBlockSize(Band(band), out int w, out int h);
        return (w, h);
    }

    /// <summary>Reads a window of one band (1-based) into <paramref name="buffer"/>, converting to <typeparamref name="T"/>.</summary>
    public void Read<T>(int band, PixelWindow window, Span<T> buffer) where T : unmanaged =>
        Transfer(GdalNative.GfRead, band, window, buffer);

    /// <summary>
    /// Reads a window of one band resampled (nearest) to <paramref name="bufferWidth"/> x
    /// <paramref name="bufferHeight"/>: a decimated read for quicklooks, served from overviews when present.
    /// </summary>
    public unsafe void ReadResampled<T>(int band, PixelWindow window, int bufferWidth, int bufferHeight, Span<T> buffer) where T : unmanaged
    {
        if (!window.FitsIn(Width, Height) || bufferWidth < 1 || bufferHeight < 1 || buffer.Length < (long)bufferWidth * bufferHeight)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, $"Bad window or buffer for '{Path}' ({Width}x{Height}).");
        }

        fixed (T* p = buffer)
        {
            Gdal.ClearError();
            int result = GdalNative.GDALRasterIO(Band(band), GdalNative.GfRead, window.Column, window.Row, window.Width, window.Height,
                p, bufferWidth, bufferHeight, (int)TypeOf<T>(), 0, 0);
            Gdal.ThrowIf(result != GdalNative.CeNone, $"Could not read {window} of band {band} from '{Path}': the file may be truncated or corrupt.", Path);
        }
    }

    /// <summary>Writes a window of one band (1-based) from <paramref name="buffer"/>.</summary>
    public void Write<T>(int band, PixelWindow window, ReadOnlySpan<T> buffer) where T : unmanaged =>
        Transfer(GdalNative.GfWrite, band, window, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(buffer), buffer.Length));

    /// <summary>Flushes cached writes to disk.</summary>
    public void Flush()
    {
        // GDAL 3.6's GDALFlushCache returns void: the calling thread's CPL error state tells.
        Gdal.ClearError();
        GdalNative.GDALFlushCache(Handle);
        if (GdalNative.CPLGetLastErrorType() >= GdalNative.CeFailure)
        {
            throw new GdalException($"Could not finish writing '{Path}' (disk full or read-only?).",
                Marshal.PtrToStringUTF8(GdalNative.CPLGetLastErrorMsg()), Path);
        }
    }

    /// <summary>Closes the file; for a written file, GDAL finishes writing here.</summary>
    public void Dispose()
    {
        if (!handle.IsClosed)
        {
            Gdal.ClearError();
            handle.Dispose();
            Gdal.TakeError();
        }
    }

    internal IntPtr DangerousHandle => Handle;

    private IntPtr Band(int band)
    {
        if (band < 1 || band > BandCount)
        {
            throw new ArgumentOutOfRangeException(nameof(band), band, $"'{Path}' has {BandCount} band(s); band numbers start at 1.");
        }

        return GdalNative.GDALGetRasterBand(Handle, band);
    }

    private unsafe void Transfer<T>(int direction, int band, PixelWindow window, Span<T> buffer) where T : unmanaged
    {
        if (!window.FitsIn(Width, Height))
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, $"The window lies outside '{Path}' ({Width}x{Height}).");
        }

        if (buffer.Length < window.Area)
        {
            throw new ArgumentException($"The buffer holds {buffer.Length} values; the window needs {window.Area}.", nameof(buffer));
        }

        RasterDataType type = TypeOf<T>();
        fixed (T* p = buffer)
        {
            Gdal.ClearError();
            int result = GdalNative.GDALRasterIO(Band(band), direction, window.Column, window.Row, window.Width, window.Height,
                p, window.Width, window.Height, (int)type, 0, 0);
            Gdal.ThrowIf(result != GdalNative.CeNone,
                direction == GdalNative.GfRead
                    ? $"Could not read {window} of band {band} from '{Path}': the file may be truncated or corrupt."
                    : $"Could not write {window} of band {band} to '{Path}' (disk full or read-only?).",
                Path);
        }
    }

    /// <summary>The GDAL type matching a .NET element type.</summary>
    public static RasterDataType TypeOf<T>() where T : unmanaged => default(T) switch
    {
        byte => RasterDataType.Byte,
        ushort => RasterDataType.UInt16,
        short => RasterDataType.Int16,
        uint => RasterDataType.UInt32,
        int => RasterDataType.Int32,
        float => RasterDataType.Float32,
        double => RasterDataType.Float64,
        _ => throw new NotSupportedException($"No GDAL pixel type for {typeof(T).Name}."),
    };
}
