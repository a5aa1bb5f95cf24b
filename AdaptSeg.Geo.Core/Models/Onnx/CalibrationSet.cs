namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>Normalised tiles for the int8 calibration, and where they came from.</summary>
/// <param name="Tiles">Each <c>bands x size x size</c> float32, normalised as the graph's input.</param>
/// <param name="Bands">Bands per tile.</param>
/// <param name="Size">Tile side in pixels.</param>
/// <param name="Scenes">The images read.</param>
/// <param name="Candidates">Tiles in the target scenes' half-overlapping grid, of which <paramref name="Tiles"/> were taken.</param>
public sealed record CalibrationSet(IReadOnlyList<float[]> Tiles, int Bands, int Size, IReadOnlyList<string> Scenes, int Candidates);
