using System.Runtime.InteropServices;
using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Process-wide libtorch settings: threads, seeds, devices and versions.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Intra-op threads libtorch uses for one operation. Defaults to the machine's logical cores
    /// (<see cref="Environment.ProcessorCount"/>) when the native library loads.
    /// </summary>
    public static int NumThreads
    {
        get
        {
            NativeStatus.Check(RuntimeInterop.camloss_get_num_threads(out var threads));
            return threads;
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            NativeStatus.Check(RuntimeInterop.camloss_set_num_threads(value));
        }
    }

    /// <summary>True when the shim was built against a CUDA libtorch and a GPU is visible.</summary>
    public static bool IsCudaAvailable => CudaDeviceCount > 0;

    /// <summary>Number of visible CUDA devices (0 on a CPU-only build).</summary>
    public static int CudaDeviceCount
    {
        get
        {
            NativeStatus.Check(RuntimeInterop.camloss_cuda_device_count(out var count));
            return count;
        }
    }

    /// <summary>libtorch's version, e.g. <c>1.13.0</c>.</summary>
    public static string TorchVersion => Versions().Torch;

    /// <summary>OpenCV's version, e.g. <c>4.6.0</c>.</summary>
    public static string OpenCvVersion => Versions().OpenCv;

    /// <summary>
    /// Seeds libtorch's default CPU generator (and every CUDA generator when CUDA is available),
    /// as <c>torch.manual_seed</c>: the same seed gives the same <see cref="Tensor.Rand"/>,
    /// <see cref="Tensor.Randn"/> and initialisation sequence as PyTorch on the same libtorch.
    /// </summary>
    public static void ManualSeed(ulong seed)
    {
        NativeStatus.Check(TensorInterop.camloss_manual_seed(seed));
        if (IsCudaAvailable)
        {
            NativeStatus.Check(RuntimeInterop.camloss_cuda_manual_seed_all(seed));
        }
    }

    /// <summary>
    /// Deterministic mode, as <c>torch.use_deterministic_algorithms(True)</c> plus deterministic,
    /// non-benchmarking cuDNN: an operation without a deterministic implementation then throws
    /// instead of running. On CPU libtorch's kernels are already deterministic for a fixed thread
    /// count; the switch matters on CUDA. Process-wide.
    /// </summary>
    public static bool Deterministic
    {
        get;
        set
        {
            NativeStatus.Check(RuntimeInterop.camloss_set_deterministic(value ? 1 : 0));
            field = value;
        }
    }

    private static (string Torch, string OpenCv) Versions()
    {
        NativeStatus.Check(RuntimeInterop.camloss_versions(out var torch, out var openCv));
        return (Marshal.PtrToStringUTF8(torch) ?? "", Marshal.PtrToStringUTF8(openCv) ?? "");
    }
}
