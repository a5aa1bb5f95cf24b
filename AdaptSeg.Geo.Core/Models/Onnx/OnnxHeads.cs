namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>Which heads of the multi-level network an exported ONNX graph outputs.</summary>
public enum OnnxHeads
{
    /// <summary>Only the main head (<c>layer6</c> on <c>layer4</c>), output <c>main</c>: what prediction uses.</summary>
    Main,

    /// <summary>The main head (output <c>main</c>, first) and the auxiliary head (<c>layer5</c> on <c>layer3</c>, output <c>aux</c>).</summary>
    Both,
}
