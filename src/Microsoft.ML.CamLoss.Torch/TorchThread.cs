using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>libtorch settings of the calling thread only (unlike <see cref="TorchRuntime.NumThreads"/>, which is process-wide).</summary>
public static class TorchThread
{
    /// <summary>
    /// Sets how many threads libtorch's operations started from the calling thread may use, and
    /// returns the count now in effect. Data-loading worker threads use 1 (as PyTorch's
    /// DataLoader workers do), so they do not compete with the training thread's thread pool.
    /// </summary>
    public static int SetIntraOpThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        NativeStatus.Check(ThreadInterop.camloss_set_current_thread_num_threads(threads, out var applied));
        return applied;
    }
}
