using Microsoft.ML.OnnxRuntime;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>A fact about the CPU build of ONNX Runtime; skipped, saying so, in the GPU build (-p:OnnxRuntimeBackend=gpu), where CUDA is there to be used.</summary>
public sealed class CpuOnlyOnnxRuntimeFactAttribute : FactAttribute
{
    public CpuOnlyOnnxRuntimeFactAttribute()
    {
        if (OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            Skip = "This ONNX Runtime has the CUDA execution provider (the GPU build): the refusal of CUDA in the CPU build cannot be shown here.";
        }
    }
}
