namespace AdaptSeg.Geo.Raster;

/// <summary>GDAL's pixel types (the values of <c>GDALDataType</c>) that the project reads or writes.</summary>
public enum RasterDataType
{
    Unknown = 0,
    Byte = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Float64 = 7,
}
