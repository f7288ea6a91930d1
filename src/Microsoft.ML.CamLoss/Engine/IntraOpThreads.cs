using System.Runtime.InteropServices;
using TorchSharp;

namespace Microsoft.ML.CamLoss;

/// <summary>
/// libtorch's intra-op thread count for the calling thread only. TorchSharp's
/// <c>torch.set_num_threads</c> is process-wide; data-loading workers that run small tensor
/// operations must use one thread each (as PyTorch's DataLoader workers do), or every worker's
/// OpenMP team competes with the training thread's for the same cores.
/// </summary>
/// <remarks>
/// libtorch's CPU build parallelises with OpenMP, whose team size is per calling thread
/// (<c>omp_set_num_threads</c>); <c>torch.get_num_threads</c> first runs libtorch's lazy
/// per-thread initialisation (which would otherwise reset the size), then the OpenMP runtime that
/// libtorch loaded is told the new size. Where that runtime cannot be found (a libtorch built
/// without OpenMP), nothing changes and <see cref="LimitCurrentThread"/> returns false.
/// </remarks>
internal static class IntraOpThreads
{
    private static readonly unsafe delegate* unmanaged<int, void> s_ompSetNumThreads = FindOmpSetNumThreads();

    /// <summary>Sets the calling thread's intra-op thread count; false when the OpenMP runtime was not found.</summary>
    public static unsafe bool LimitCurrentThread(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        torch.get_num_threads();
        if (s_ompSetNumThreads == null)
        {
            return false;
        }

        s_ompSetNumThreads(threads);
        return true;
    }

    private static unsafe delegate* unmanaged<int, void> FindOmpSetNumThreads()
    {
        torch.get_num_threads();   // loads TorchSharp's native libraries
        string[] libraries = OperatingSystem.IsWindows() ? ["torch_cpu.dll", "libiomp5md.dll", "vcomp140.dll"]
            : OperatingSystem.IsMacOS() ? ["libtorch_cpu.dylib", "libomp.dylib"]
            : ["libtorch_cpu.so"];
        foreach (var library in libraries)
        {
            // dlsym on a library handle also searches the libraries it depends on (libgomp on Linux).
            if (NativeLibrary.TryLoad(library, typeof(torch).Assembly, null, out var handle)
                && NativeLibrary.TryGetExport(handle, "omp_set_num_threads", out var address))
            {
                return (delegate* unmanaged<int, void>)address;
            }
        }

        return null;
    }
}
