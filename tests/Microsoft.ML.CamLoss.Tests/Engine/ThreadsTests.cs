using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>libtorch's intra-op threads: process-wide for the training thread, one per data-loading worker.</summary>
[TestClass]
public sealed class ThreadsTests
{
    [TestMethod]
    public void SetNumThreads_ProcessWide_TakesEffectAndRestores()
    {
        var original = torch.get_num_threads();
        try
        {
            torch.set_num_threads(1);
            Assert.AreEqual(1, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(original);
        }

        Assert.AreEqual(original, torch.get_num_threads());
    }

    [TestMethod]
    public void LimitCurrentThread_OnAWorker_LeavesTheCallingThreadsCountAlone()
    {
        var main = torch.get_num_threads();
        var found = false;
        var worker = -1;
        var thread = new Thread(() =>
        {
            found = IntraOpThreads.LimitCurrentThread(1);
            worker = torch.get_num_threads();
        });
        thread.Start();
        thread.Join();

        if (!found)
        {
            Assert.Inconclusive("This libtorch exposes no OpenMP runtime (omp_set_num_threads not found).");
        }

        Assert.AreEqual(1, worker, "the worker computes on one thread");
        Assert.AreEqual(main, torch.get_num_threads(), "the training thread keeps its count");
    }
}
