using NetTopologySuite.Geometries;

namespace AdaptSeg.Geo.Raster;

/// <summary>One class polygon as stored in the GeoPackage: class value, name, area (squared CRS units) and geometry.</summary>
public sealed record ClassPolygon(int Class, string ClassName, double Area, Geometry Geometry);
