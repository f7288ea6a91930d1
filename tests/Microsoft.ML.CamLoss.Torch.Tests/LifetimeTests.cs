using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Torch.Tests;

/// <summary>Deterministic lifetime: scopes release every handle, and a long training loop neither leaks handles nor grows.</summary>
[TestClass]
public sealed class LifetimeTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void TrainingLoop_2000StepsInScopes_ReturnsToStartingHandleCountWithFlatMemory()
    {
        const int steps = 2000;
        const int warmup = 200;
        var before = Tensor.LiveHandleCount;
        long rssAfterWarmup = 0;
        using (var model = new SmallCnn())
        using (var sgd = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.05, Momentum = 0.9, WeightDecay = 5e-4 }))
        {
            using var data = new TensorScope();
            TorchRuntime.ManualSeed(5);
            var x = Tensor.Randn([16, 3, 8, 8]);
            var y = Tensor.RandInt(0, 10, [16]);
            for (var step = 0; step < steps; step++)
            {
                using var scope = new TensorScope();
                sgd.ZeroGrad();
                var loss = Functional.CrossEntropy(model.Forward(x), y);
                loss.Backward();
                sgd.Step();
                if (step == warmup)
                {
                    rssAfterWarmup = ResidentBytes();
                }
            }
        }

        var rssAtEnd = ResidentBytes();
        var after = Tensor.LiveHandleCount;
        var growthMb = (rssAtEnd - rssAfterWarmup) / 1048576.0;
        TestContext.WriteLine($"live handles: {before} before, {after} after; RSS after warm-up {rssAfterWarmup / 1048576.0:F1} MB, after {steps} steps {rssAtEnd / 1048576.0:F1} MB (growth {growthMb:F2} MB)");
        Assert.AreEqual(before, after, "every native tensor handle is released");
        Assert.IsTrue(growthMb < 8, $"resident memory grew {growthMb:F2} MB over {steps - warmup} steps after warm-up");
    }

    [TestMethod]
    public void TensorScope_Dispose_ReleasesEverythingButMovedOutTensors()
    {
        var before = Tensor.LiveHandleCount;
        Tensor kept;
        using (var outer = new TensorScope())
        {
            using (var inner = new TensorScope())
            {
                var a = Tensor.Ones([3]);
                _ = (a + a) * 2;
                kept = inner.MoveOut(a.Sum());
                Assert.AreEqual(3, inner.Count);
            }

            Assert.IsFalse(kept.IsDisposed, "a moved-out tensor survives the inner scope");
            Assert.AreEqual(3.0, kept.ToDouble());
        }

        Assert.IsTrue(kept.IsDisposed, "the outer scope took ownership and released it");
        Assert.AreEqual(before, Tensor.LiveHandleCount);
    }

    [TestMethod]
    public void DetachFromScope_CallerOwnsTheTensor()
    {
        Tensor owned;
        using (new TensorScope())
        {
            owned = Tensor.Ones([2]).DetachFromScope();
        }

        Assert.IsFalse(owned.IsDisposed);
        owned.Dispose();
        owned.Dispose();
        Assert.IsTrue(owned.IsDisposed);
    }

    [TestMethod]
    public void Module_Dispose_ReleasesParametersAndBuffers()
    {
        var before = Tensor.LiveHandleCount;
        using (var model = new SmallCnn())
        {
            Assert.IsTrue(Tensor.LiveHandleCount > before);
        }

        Assert.AreEqual(before, Tensor.LiveHandleCount);
    }

    /// <summary>Resident memory after a full collection, so that managed garbage awaiting the GC is not mistaken for a native leak.</summary>
    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
