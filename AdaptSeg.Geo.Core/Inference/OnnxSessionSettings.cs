namespace AdaptSeg.Geo.Inference;

/// <summary>How <see cref="OnnxTilePredictor"/> sets up its ONNX Runtime session.</summary>
public sealed record OnnxSessionSettings
{
    /// <summary>
    /// Intra-op threads; 0 (default) takes TorchSharp's count (<c>torch.get_num_threads()</c>: the
    /// physical cores unless <c>OMP_NUM_THREADS</c> says otherwise), so both engines get the same.
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Where ONNX Runtime writes the graph after its optimisations (fusions such as QDQ -> QLinearConv),
    /// or null (default) for nowhere. For inspecting what runs.
    /// </summary>
    public string? OptimizedModelPath { get; init; }
}
