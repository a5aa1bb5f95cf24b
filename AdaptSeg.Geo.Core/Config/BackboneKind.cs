using System.Text.Json.Serialization;

namespace AdaptSeg.Geo.Config;

/// <summary>
/// Which ResNet the segmentation network is built on (<c>model.backbone</c>). The two share their
/// state-dict names and weight shapes; they differ in where the stride sits, in the stem's
/// max-pool and in where a stage is dilated, so each one fits the weights trained for it.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackboneKind>))]
public enum BackboneKind
{
    /// <summary>
    /// <c>deeplabv2-resnet</c>: the Caffe-style ResNet of DeepLab-v2 and AdaptSegNet (stride on
    /// each stage's first 1x1 convolution, ceil-mode max-pool, output stride 8), exact to the
    /// reference <c>model/deeplab_multi.py</c>. The default.
    /// </summary>
    [JsonStringEnumMemberName("deeplabv2-resnet")]
    DeepLabV2ResNet,

    /// <summary>
    /// <c>torchvision-resnet</c>: torchvision's ResNet (stride on the 3x3 convolution,
    /// floor-mode max-pool, <c>replace_stride_with_dilation</c> for output stride 8 or 16), the
    /// network torchvision, timm and torchgeo weights are saved for.
    /// </summary>
    [JsonStringEnumMemberName("torchvision-resnet")]
    TorchvisionResNet,
}
