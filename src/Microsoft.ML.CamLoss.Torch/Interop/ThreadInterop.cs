using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>threads.cpp</c>: per-thread intra-op parallelism.</summary>
internal static partial class ThreadInterop
{
    [LibraryImport(NativeLibraryName.Value)]
    internal static partial int camloss_set_current_thread_num_threads(int threads, out int applied);
}
