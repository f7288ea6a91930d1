using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// What the machine computes natively in 16 bits, for <see cref="TrainingPrecision.Auto"/>: the CPU's
/// instruction-set flags (as <c>/proc/cpuinfo</c> names them) and the first CUDA GPU's compute capability.
/// </summary>
/// <param name="CpuFlags">The CPU's flags that matter here (<c>avx512_bf16</c>, <c>amx_bf16</c>, <c>avx512_fp16</c>, <c>amx_fp16</c>).</param>
/// <param name="CudaCapability">The first CUDA GPU's compute capability (major, minor), or null when unknown or no GPU.</param>
internal sealed record HardwareSupport(IReadOnlySet<string> CpuFlags, (int Major, int Minor)? CudaCapability)
{
    private static readonly string[] RelevantFlags = ["avx512_bf16", "amx_bf16", "avx512_fp16", "amx_fp16"];
    private static readonly AsyncLocal<HardwareSupport?> Forced = new();
    private static readonly Lazy<IReadOnlySet<string>> DetectedCpuFlags = new(DetectCpuFlags);

    /// <summary>Whether the CPU computes bfloat16 natively (oneDNN's AVX-512-BF16 or AMX kernels).</summary>
    public bool CpuBFloat16 => CpuFlags.Contains("avx512_bf16") || CpuFlags.Contains("amx_bf16");

    /// <summary>Whether the CPU computes float16 natively (AVX-512-FP16 or AMX-FP16).</summary>
    public bool CpuFloat16 => CpuFlags.Contains("avx512_fp16") || CpuFlags.Contains("amx_fp16");

    /// <summary>Whether the GPU computes bfloat16 natively: compute capability 8.0 (Ampere) or more.</summary>
    public bool CudaBFloat16 => CudaCapability is { Major: >= 8 };

    /// <summary>
    /// The machine's support (the CPU flags detected once per process, the GPU's capability when <paramref name="cuda"/>),
    /// or what <see cref="Force"/> set in this asynchronous flow.
    /// </summary>
    public static HardwareSupport Detect(bool cuda) =>
        Forced.Value ?? new HardwareSupport(DetectedCpuFlags.Value, cuda ? CudaDevice.Capability() : null);

    /// <summary>Makes <see cref="Detect"/> return <paramref name="support"/> in this asynchronous flow until the result is disposed (tests: a CPU without bfloat16).</summary>
    public static IDisposable Force(HardwareSupport support)
    {
        var previous = Forced.Value;
        Forced.Value = support;
        return new Restore(() => Forced.Value = previous);
    }

    /// <summary>The relevant flags of the first <c>flags</c> line of <c>/proc/cpuinfo</c> text.</summary>
    public static IReadOnlySet<string> ParseCpuInfo(string cpuinfo)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == "flags")
            {
                var flags = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return flags.Where(f => RelevantFlags.Contains(f)).ToHashSet(StringComparer.Ordinal);
            }
        }

        return new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>
    /// Linux: <c>/proc/cpuinfo</c> (the flags the kernel enabled). Elsewhere on x86-64: CPUID leaf 7 (AVX-512 only
    /// where the OS saves its registers, which .NET's <c>Avx512F.IsSupported</c> checks). Other CPUs: none.
    /// </summary>
    private static IReadOnlySet<string> DetectCpuFlags()
    {
        const string CpuInfo = "/proc/cpuinfo";
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists(CpuInfo))
            {
                return ParseCpuInfo(File.ReadAllText(CpuInfo));
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        var flags = new HashSet<string>(StringComparer.Ordinal);
        if (X86Base.IsSupported && Avx512F.IsSupported)
        {
            var (_, _, _, edx0) = X86Base.CpuId(7, 0);
            var (eax1, _, _, _) = X86Base.CpuId(7, 1);
            AddIf(flags, (eax1 & (1 << 5)) != 0, "avx512_bf16");
            AddIf(flags, (edx0 & (1 << 22)) != 0, "amx_bf16");
            AddIf(flags, (edx0 & (1 << 23)) != 0, "avx512_fp16");
            AddIf(flags, (eax1 & (1 << 21)) != 0, "amx_fp16");
        }

        return flags;
    }

    private static void AddIf(HashSet<string> flags, bool condition, string flag)
    {
        if (condition)
        {
            flags.Add(flag);
        }
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>
    /// The first CUDA device's compute capability from the NVIDIA driver (<c>cuDeviceGetAttribute</c>), since TorchSharp
    /// 0.107 does not expose it. The driver library is the one libtorch's CUDA backend loads; null when it cannot be read.
    /// </summary>
    private static class CudaDevice
    {
        private const int CapabilityMajor = 75;   // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
        private const int CapabilityMinor = 76;   // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR

        public static unsafe (int Major, int Minor)? Capability()
        {
            var name = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
            if (!NativeLibrary.TryLoad(name, out var driver))
            {
                return null;
            }

            if (!NativeLibrary.TryGetExport(driver, "cuInit", out var init)
                || !NativeLibrary.TryGetExport(driver, "cuDeviceGet", out var get)
                || !NativeLibrary.TryGetExport(driver, "cuDeviceGetAttribute", out var attribute))
            {
                return null;
            }

            int device = 0, major = 0, minor = 0;
            var ok = ((delegate* unmanaged<uint, int>)init)(0) == 0
                && ((delegate* unmanaged<int*, int, int>)get)(&device, 0) == 0
                && ((delegate* unmanaged<int*, int, int, int>)attribute)(&major, CapabilityMajor, device) == 0
                && ((delegate* unmanaged<int*, int, int, int>)attribute)(&minor, CapabilityMinor, device) == 0;
            return ok ? (major, minor) : null;
        }
    }
}
