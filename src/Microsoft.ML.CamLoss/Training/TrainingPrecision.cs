namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// The arithmetic a trainer's forward and backward passes use (see <see cref="Models.MixedPrecision"/> for
/// which operation runs in which type). Weights, gradients, optimiser state, checkpoints and saved models
/// are float32 whatever the choice; scoring and validation run in float32.
/// </summary>
public enum TrainingPrecision
{
    /// <summary>
    /// <see cref="Bf16"/> where the hardware computes bfloat16 natively — a CPU with the <c>avx512_bf16</c> or
    /// <c>amx_bf16</c> instructions, a CUDA GPU of compute capability 8.0 or more — and <see cref="Fp32"/> elsewhere.
    /// The progress reports, the run log and the logger say which was picked, and why.
    /// </summary>
    Auto,

    /// <summary>float32 throughout.</summary>
    Fp32,

    /// <summary>
    /// Mixed precision with bfloat16 convolutions and linear layers (float32's range, 8 bits of mantissa: no loss
    /// scaling needed). On a CUDA GPU without bfloat16 (compute capability below 8.0) this trains as <see cref="Fp16"/>,
    /// with a warning; on a CPU without native bfloat16 libtorch emulates it, typically slower than float32, and a
    /// warning says so.
    /// </summary>
    Bf16,

    /// <summary>
    /// Mixed precision with float16 convolutions and linear layers, and dynamic loss scaling (as PyTorch's
    /// <c>GradScaler</c>: scale 2¹⁶, halved and the step skipped when a gradient overflows, doubled after 2,000 good
    /// steps). Meant for GPUs; CPUs without <c>avx512_fp16</c>/<c>amx_fp16</c> emulate it slowly (a warning says so).
    /// </summary>
    Fp16,
}
