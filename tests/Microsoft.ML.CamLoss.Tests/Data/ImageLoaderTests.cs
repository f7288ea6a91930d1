using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>
/// The batch loader: seeded order and content independent of threads, in-memory batching, mixing,
/// skips, lifetimes (batches built on worker threads belong to no dispose scope; the live-tensor
/// count <see cref="Tensor.TotalCount"/> is back where it started after every run).
/// </summary>
[TestClass]
public sealed class ImageLoaderTests
{
    private static ImageDataset Folder(TempFolder temp, int perClass = 5) =>
        ImageFolder.Load(SyntheticTrees.ImageFolder(temp, "set", perClass, "a", "b", "c"));

    private static ImageDataset InMemory(TempFolder temp)
    {
        var labels = Enumerable.Range(0, 23).Select(i => new[] { (byte)(i % 10) }).ToArray();
        temp.Write("cifar-10-batches-bin/test_batch.bin", SyntheticTrees.CifarRecords(labels));
        return Cifar.Load10(temp.Path, DataSplit.Test);
    }

    /// <summary>
    /// The live-tensor count once earlier tests' unreachable tensors are finalized (a finalizer
    /// decrements the count: one running mid-test would otherwise look like a negative leak).
    /// </summary>
    private static long SettledTensorCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }

    private static List<(int[] Indices, float[] Images, long[] Labels)> Run(ImageLoader loader, int epoch)
    {
        var result = new List<(int[], float[], long[])>();
        foreach (var batch in loader.Epoch(epoch))
        {
            using (batch)
            {
                result.Add(([.. batch.Indices], batch.Images.data<float>().ToArray(), batch.Labels.data<long>().ToArray()));
            }
        }

        return result;
    }

    private static void AssertSame(List<(int[] Indices, float[] Images, long[] Labels)> a, List<(int[] Indices, float[] Images, long[] Labels)> b, string what)
    {
        Assert.AreEqual(a.Count, b.Count, $"{what}: batch count");
        for (var k = 0; k < a.Count; k++)
        {
            CollectionAssert.AreEqual(a[k].Indices, b[k].Indices, $"{what}: batch {k} indices");
            CollectionAssert.AreEqual(a[k].Labels, b[k].Labels, $"{what}: batch {k} labels");
            CollectionAssert.AreEqual(a[k].Images, b[k].Images, $"{what}: batch {k} pixels");
        }
    }

    [TestMethod]
    public void Epoch_SameSeed_SameBatchesWhateverTheWorkers()
    {
        using var temp = new TempFolder();
        var data = Folder(temp);
        var pipeline = new ImagePipeline().RandomResizedCrop(12).HorizontalFlip().NormalizeImageNet();

        var inline = Run(new ImageLoader(data, pipeline, new() { BatchSize = 4, Seed = 5, Workers = 0 }), 1);
        var three = Run(new ImageLoader(data, pipeline, new() { BatchSize = 4, Seed = 5, Workers = 3, Prefetch = 1 }), 1);
        var two = Run(new ImageLoader(data, pipeline, new() { BatchSize = 4, Seed = 5, Workers = 2, Prefetch = 8 }), 1);
        var otherEpoch = Run(new ImageLoader(data, pipeline, new() { BatchSize = 4, Seed = 5, Workers = 2 }), 2);

        AssertSame(inline, three, "0 vs 3 workers");
        AssertSame(inline, two, "0 vs 2 workers");
        Assert.AreEqual(4, inline.Count);
        Assert.AreEqual(3, inline[^1].Indices.Length, "15 images in batches of 4: the last holds 3");
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 15).ToArray(), inline.SelectMany(b => b.Indices).ToArray());
        CollectionAssert.AreNotEqual(inline.SelectMany(b => b.Indices).ToArray(), otherEpoch.SelectMany(b => b.Indices).ToArray());
    }

    [TestMethod]
    public void Epoch_NoShuffleDropLast_SequentialFullBatches()
    {
        using var temp = new TempFolder();
        var loader = new ImageLoader(Folder(temp), new ImagePipeline().Resize(8, 8).ForScoring(), new() { BatchSize = 4, Shuffle = false, DropLast = true, Workers = 2 });

        var batches = Run(loader, 0);

        Assert.AreEqual(3, loader.BatchesPerEpoch);
        CollectionAssert.AreEqual(Enumerable.Range(0, 12).ToArray(), batches.SelectMany(b => b.Indices).ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 0, 0, 0 }, batches[0].Labels);
        Assert.AreEqual(3, loader.BatchesDelivered);
        Assert.IsTrue(loader.WaitTime >= TimeSpan.Zero);
    }

    [TestMethod]
    public void Epoch_InMemoryDataset_BatchPathEqualsPerImagePipeline()
    {
        using var temp = new TempFolder();
        var data = InMemory(temp);
        Assert.IsNotNull(data.InMemory);
        var pipeline = new ImagePipeline().RandomCrop(32, padding: 4).HorizontalFlip().Normalize([0.5f, 0.5f, 0.5f], [0.2f, 0.2f, 0.2f]).Cutout(8);
        var loader = new ImageLoader(data, pipeline, new() { BatchSize = 8, Seed = 3, Workers = 2 });

        var batches = Run(loader, 4);

        using var scope = NewDisposeScope();
        foreach (var (indices, images, _) in batches)
        {
            var expected = stack([.. indices.Select(i => pipeline.Apply(data[i].Image, SeededRandom.Derive(3, 4, (ulong)i)))]);
            CollectionAssert.AreEqual(expected.data<float>().ToArray(), images);
        }

        Assert.AreEqual(3, batches.Count);
    }

    [TestMethod]
    public void Epoch_WithMixup_BatchesCarryMixedLabels()
    {
        using var temp = new TempFolder();
        var loader = new ImageLoader(InMemory(temp), new ImagePipeline().Mixup(alpha: 1), new() { BatchSize = 8, Seed = 1, Workers = 1 });

        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                Assert.IsNotNull(batch.PartnerLabels);
                Assert.IsNotNull(batch.MixedLabels);
                Assert.IsTrue(batch.Lambda is >= 0 and <= 1);
                CollectionAssert.AreEquivalent(batch.Labels.data<long>().ToArray(), batch.PartnerLabels.data<long>().ToArray());
            }
        }
    }

    [TestMethod]
    public void Epoch_AbandonedEarly_NoTensorLeaks()
    {
        using var temp = new TempFolder();
        var loader = new ImageLoader(Folder(temp), new ImagePipeline().RandomResizedCrop(8), new() { BatchSize = 2, Workers = 2, Prefetch = 4 });
        var before = SettledTensorCount();

        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            break;
        }

        Assert.AreEqual(before, Tensor.TotalCount, "batches built ahead are disposed when the epoch is abandoned");
    }

    [TestMethod]
    [DataRow(0, DisplayName = "on the consumer's thread")]
    [DataRow(3, DisplayName = "on 3 worker threads")]
    public void Epoch_FullRunsWithMixingAndSkips_LiveTensorCountBackToStart(int workers)
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.ImageFolder(temp, "set", 5, "a", "b");
        temp.Write("set/b/corrupt.jpg", FixtureImages.Jpeg.AsSpan(0, 300));
        var files = ImageFolder.Load(root, new ImageDatasetOptions { SkipInvalidImages = true });
        var pipeline = new ImagePipeline().RandomResizedCrop(8).HorizontalFlip().NormalizeImageNet().Cutout(2).CutMix();
        var before = SettledTensorCount();

        for (var epoch = 0; epoch < 2; epoch++)
        {
            foreach (var batch in new ImageLoader(files, pipeline, new() { BatchSize = 3, Seed = 2, Workers = workers }).Epoch(epoch))
            {
                batch.Dispose();
            }

            foreach (var batch in new ImageLoader(InMemory(temp), new ImagePipeline().RandomCrop(32, 4).Mixup(), new() { BatchSize = 5, Workers = workers }).Epoch(epoch))
            {
                batch.Dispose();
            }
        }

        Assert.AreEqual(before, Tensor.TotalCount, "every tensor made while building batches is disposed; the batches' own are disposed by the consumer");
        Assert.AreEqual(1, files.SkipReport.Count);
    }

    [TestMethod]
    [DataRow(0, DisplayName = "built on the consumer's thread, inside its scope")]
    [DataRow(2, DisplayName = "built on 2 worker threads")]
    public void Epoch_Batches_OwnedByNoDisposeScope(int workers)
    {
        using var temp = new TempFolder();
        var loader = new ImageLoader(Folder(temp), new ImagePipeline().Resize(8, 8).Mixup(), new() { BatchSize = 4, Workers = workers });
        var kept = new List<ImageBatch>();
        using (var scope = NewDisposeScope())
        {
            foreach (var batch in loader.Epoch(0))
            {
                kept.Add(batch);
            }
        }

        // Closing the consumer's scope disposed nothing of the batches: they are the consumer's to dispose.
        foreach (var batch in kept)
        {
            Assert.IsFalse(batch.Images.IsInvalid);
            Assert.IsFalse(batch.Labels.IsInvalid);
            Assert.IsFalse(batch.PartnerLabels!.IsInvalid);
            Assert.AreEqual((long)batch.Count, batch.Images.shape[0]);
            batch.Dispose();
            Assert.IsTrue(batch.Images.IsInvalid);
        }
    }

    [TestMethod]
    public void Epoch_DifferentImageSizesWithoutResize_SaysWhichImages()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.ImageFolder(temp, "set", 1, "a");
        temp.Write("set/a/wide.png", FixtureImages.Bytes("rgba.png"));
        temp.Write("set/a/tall.jpg", FixtureImages.Bytes("exif_orientation6.jpg"));
        var loader = new ImageLoader(ImageFolder.Load(root), new ImagePipeline(), new() { BatchSize = 3, Shuffle = false, Workers = 1 });

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Run(loader, 0));

        StringAssert.Contains(error.Message, "tall.jpg");
        StringAssert.Contains(error.Message, "add a Resize");
    }

    [TestMethod]
    public void LimitCurrentThread_OnAWorkerThread_LeavesOtherThreadsAlone()
    {
        var before = get_num_threads();
        var (applied, seen) = (false, 0);
        var thread = new Thread(() =>
        {
            applied = IntraOpThreads.LimitCurrentThread(1);
            seen = get_num_threads();
        });
        thread.Start();
        thread.Join();

        if (!applied)
        {
            Assert.Inconclusive("libtorch's OpenMP runtime was not found: the per-thread limit is a no-op here.");
        }

        Assert.AreEqual(1, seen, "the worker runs libtorch on one thread");
        Assert.AreEqual(before, get_num_threads(), "the calling thread's setting is unchanged");
    }

    [TestMethod]
    public void Constructor_CudaWithoutCuda_SaysTheDeviceIsUnavailable()
    {
        if (cuda.is_available())
        {
            Assert.Inconclusive("CUDA is available here; the refusal cannot be tested.");
        }

        using var temp = new TempFolder();
        var error = Assert.ThrowsExactly<TorchDeviceUnavailableException>(() => new ImageLoader(Folder(temp), new ImagePipeline(), new() { Device = new Device(DeviceType.CUDA, 0) }));
        StringAssert.Contains(error.Message, "CUDA is not available");
    }
}
