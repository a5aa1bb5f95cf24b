namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>What <see cref="OnnxModelExport.Run"/> wrote.</summary>
/// <param name="OutputPath">The .onnx file.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="IrVersion">ONNX IR version.</param>
/// <param name="Opset">ai.onnx opset version.</param>
/// <param name="Metadata">The metadata_props written, in order.</param>
/// <param name="ResolutionNote">Why <c>resolution</c> was not written, or null when it was.</param>
public sealed record OnnxExportSummary(
    string OutputPath, long Bytes, long IrVersion, int Opset, IReadOnlyList<KeyValuePair<string, string>> Metadata, string? ResolutionNote)
{
    /// <summary>The STAC Item written beside the model (MLM extension), or null when none was asked for.</summary>
    public string? StacItemPath { get; init; }
}
