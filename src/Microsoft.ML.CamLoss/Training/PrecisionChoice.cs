using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// The precision a run trains in — <see cref="TrainingPrecision.Fp32"/>, <see cref="TrainingPrecision.Bf16"/> or
/// <see cref="TrainingPrecision.Fp16"/>, never Auto — resolved from the requested one, the device and the hardware,
/// with the reason (for the log) and a warning where the choice will be slow or is not the one asked for.
/// </summary>
/// <param name="Precision">What the run computes in.</param>
/// <param name="Reason">Why, in a few words: <c>auto: the CPU has avx512_bf16</c>.</param>
/// <param name="Warning">A warning for the log, or null.</param>
internal sealed record PrecisionChoice(TrainingPrecision Precision, string Reason, string? Warning)
{
    /// <summary>The 16-bit type of the convolutions and linear layers, or null for float32.</summary>
    public ScalarType? ComputeType => Precision switch
    {
        TrainingPrecision.Bf16 => ScalarType.BFloat16,
        TrainingPrecision.Fp16 => ScalarType.Float16,
        _ => null,
    };

    /// <summary>Whether the loss is scaled (float16's narrow range needs it; bfloat16 has float32's).</summary>
    public bool ScalesLoss => Precision == TrainingPrecision.Fp16;

    /// <summary>The precision's command-line name: <c>fp32</c>, <c>bf16</c>, <c>fp16</c>.</summary>
    public static string NameOf(TrainingPrecision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>Resolves <paramref name="requested"/> on <paramref name="device"/> with <paramref name="hardware"/>.</summary>
    public static PrecisionChoice Resolve(TrainingPrecision requested, DeviceType device, HardwareSupport hardware)
    {
        var cuda = device == DeviceType.CUDA;
        var gpu = hardware.CudaCapability is { } c ? $"the GPU's compute capability is {c.Major}.{c.Minor}" : "the GPU's compute capability could not be read";
        var cpuBf16 = hardware.CpuBFloat16
            ? $"the CPU has {string.Join(" and ", new[] { "avx512_bf16", "amx_bf16" }.Where(hardware.CpuFlags.Contains))}"
            : "the CPU has neither avx512_bf16 nor amx_bf16";
        switch (requested)
        {
            case TrainingPrecision.Fp32:
                return new(TrainingPrecision.Fp32, "requested", null);
            case TrainingPrecision.Auto when cuda:
                return hardware.CudaBFloat16
                    ? new(TrainingPrecision.Bf16, $"auto: {gpu}", null)
                    : new(TrainingPrecision.Fp32, $"auto: {gpu} (bfloat16 needs 8.0 or more)", null);
            case TrainingPrecision.Auto:
                return new(hardware.CpuBFloat16 ? TrainingPrecision.Bf16 : TrainingPrecision.Fp32, $"auto: {cpuBf16}", null);
            case TrainingPrecision.Bf16 when cuda && hardware.CudaCapability is { Major: < 8 }:
                return new(
                    TrainingPrecision.Fp16,
                    $"bf16 requested, but {gpu}",
                    $"Precision = Bf16 was requested, but {gpu}, which has no native bfloat16: training in float16 with loss scaling instead.");
            case TrainingPrecision.Bf16 when !cuda && !hardware.CpuBFloat16:
                return new(
                    TrainingPrecision.Bf16,
                    "requested (emulated on this CPU)",
                    $"Precision = Bf16 was requested, but {cpuBf16}: libtorch emulates bfloat16 here, which is usually slower than float32. " +
                    "Use Precision = Auto or Fp32 (camloss: --precision auto or fp32).");
            case TrainingPrecision.Bf16:
                return new(TrainingPrecision.Bf16, "requested", null);
            case TrainingPrecision.Fp16 when !cuda && !hardware.CpuFloat16:
                return new(
                    TrainingPrecision.Fp16,
                    "requested (emulated on this CPU)",
                    "Precision = Fp16 was requested, but the CPU has neither avx512_fp16 nor amx_fp16: libtorch emulates float16 here, which is usually much slower " +
                    $"than float32. Use Precision = Auto{(hardware.CpuBFloat16 ? ", Bf16" : string.Empty)} or Fp32 (camloss: --precision auto).");
            case TrainingPrecision.Fp16:
                return new(TrainingPrecision.Fp16, "requested", null);
            default:
                throw new ArgumentOutOfRangeException(nameof(requested), requested, "Unknown training precision.");
        }
    }

    /// <summary><c>bf16 (auto: the CPU has avx512_bf16)</c>.</summary>
    public override string ToString() => $"{NameOf(Precision)} ({Reason})";
}
