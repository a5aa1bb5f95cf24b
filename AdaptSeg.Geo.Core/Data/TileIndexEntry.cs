using NetTopologySuite.Geometries;

namespace AdaptSeg.Geo.Data;

/// <summary>One tile of the tile index: where it lies in its scene and on the map, and how much of it is valid.</summary>
public sealed record TileIndexEntry(string Domain, string Scene, int Column, int Row, int Width, int Height, double ValidFraction, Polygon Footprint);
