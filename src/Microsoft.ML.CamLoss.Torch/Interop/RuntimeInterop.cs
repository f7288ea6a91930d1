using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>runtime.cpp</c>: threads, devices, versions.</summary>
internal static partial class RuntimeInterop
{
    private const string Lib = NativeLibraryName.Value;

    [LibraryImport(Lib)] internal static partial int camloss_set_num_threads(int threads);
    [LibraryImport(Lib)] internal static partial int camloss_get_num_threads(out int threads);
    [LibraryImport(Lib)] internal static partial int camloss_cuda_device_count(out int count);
    [LibraryImport(Lib)] internal static partial int camloss_cuda_manual_seed_all(ulong seed);

    [LibraryImport(Lib)] internal static partial int camloss_set_deterministic(int enabled);
    [LibraryImport(Lib)] internal static partial int camloss_versions(out IntPtr torchVersion, out IntPtr openCvVersion);
}
