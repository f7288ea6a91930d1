using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>
/// Each trainer trains through the public API and reports its own loss terms; the prediction engine is
/// thread-safe; a seed and a thread count make a run reproducible; a long run releases every tensor.
/// </summary>
[TestClass]
public sealed class TrainersTests
{
    private static string s_directory = null!;
    private static string s_teacherRun = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void TrainTeacher(TestContext context)
    {
        s_directory = Directory.CreateTempSubdirectory("camloss-trainers-").FullName;
        s_teacherRun = Path.Combine(s_directory, "teacher");
        if (!Directory.Exists(Path.Combine(SharedData.RepositoryRoot, "..", "shared", "data", "flowers12")))
        {
            return;   // the tests that need the teacher report Inconclusive through Flowers()
        }

        // The teacher is the run's checkpoint (the file of a TorchSharp model), as distillation and FromCheckpoint read it.
        using var teacher = new CrossEntropyImageClassificationTrainer(Options(new CrossEntropyImageClassificationTrainer.Options { CheckpointDirectory = s_teacherRun })).Fit(Flowers(), Preprocessing());
    }

    [ClassCleanup]
    public static void DeleteDirectory() => Directory.Delete(s_directory, recursive: true);

    [TestMethod]
    public void Icasc_Flowers_ReportsSeparationAndConsistencyTerms()
    {
        var reports = new List<TrainingProgress>();
        using var model = new IcascImageClassificationTrainer(Options(new IcascImageClassificationTrainer.Options { Attention = AttentionKind.GradCam }))
            .Fit(Flowers(), Preprocessing(), new SynchronousProgress<TrainingProgress>(reports.Add));
        CollectionAssert.AreEquivalent(new[] { "ce", "as_inner", "as_last", "ac" }, reports.Last().Terms.Keys.ToArray());
        Assert.IsTrue(reports.Last().Terms.Values.All(double.IsFinite));
        Assert.IsTrue(double.IsNaN(reports.Last().Alpha));
        Assert.AreEqual("Icasc", model.TrainerName);
    }

    [TestMethod]
    [DataRow(DistillationMethod.Kd, new[] { "ce", "kd" })]
    [DataRow(DistillationMethod.At, new[] { "ce", "kd", "transfer" })]
    [DataRow(DistillationMethod.Ccm, new[] { "ce", "kd", "transfer" })]
    public void CcmDistillation_TeacherCheckpoint_TrainsStudentWithTheMethodsTerms(DistillationMethod method, string[] terms)
    {
        var reports = new List<TrainingProgress>();
        var options = Options(new CcmDistillationTrainer.Options { TeacherPath = s_teacherRun, Method = method });
        using var student = new CcmDistillationTrainer(options).Fit(Flowers(), Preprocessing(), new SynchronousProgress<TrainingProgress>(reports.Add));
        CollectionAssert.AreEquivalent(terms, reports.Last().Terms.Keys.ToArray());
        Assert.AreEqual(Architecture.ResNet8, student.Architecture);
        Assert.AreEqual("CcmDistillation", student.TrainerName);
    }

    [TestMethod]
    public void CcmDistillation_PyTorchCheckpointTeacherWithoutArchitecture_ThrowsAskingForIt()
    {
        var checkpoint = SharedData.Require("pretrained/cifar10-resnet/resnet20-12fca82f.th");
        var data = Flowers();
        var trainer = new CcmDistillationTrainer(Options(new CcmDistillationTrainer.Options { TeacherPath = checkpoint }));
        var error = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(data, Preprocessing()));
        StringAssert.Contains(error.Message, "set TeacherArchitecture");
    }

    [TestMethod]
    public void CcmDistillation_TeacherWithOtherClassCount_ThrowsNamingBoth()
    {
        var checkpoint = SharedData.Require("pretrained/cifar10-resnet/resnet20-12fca82f.th");
        var data = Flowers();
        var trainer = new CcmDistillationTrainer(Options(new CcmDistillationTrainer.Options { TeacherPath = checkpoint, TeacherArchitecture = Architecture.ResNet20 }));
        var error = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(data, Preprocessing()));
        StringAssert.Contains(error.Message, "classifier for 10 classes");
        StringAssert.Contains(error.Message, "the data has 12 classes");
    }

    [TestMethod]
    public void Icasc_PipelineWithMixup_ThrowsBeforeTraining()
    {
        var data = Flowers();
        var trainer = new IcascImageClassificationTrainer(Options(new IcascImageClassificationTrainer.Options()));
        var error = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(data, Preprocessing().Mixup()));
        StringAssert.Contains(error.Message, "mixes images with Mixup");
    }

    [TestMethod]
    public void CamLoss_WithMixupAndEarlyStopping_TrainsAndKeepsTheBestEpoch()
    {
        var options = Options(new CamLossImageClassificationTrainer.Options { CamLossStartEpoch = 0, Epochs = 3, ValidationFraction = 0.25 });
        options.EarlyStopping = new EarlyStoppingOptions { Patience = 1, Metric = EarlyStoppingMetric.LogLoss };
        var reports = new List<TrainingProgress>();
        using var model = new CamLossImageClassificationTrainer(options).Fit(Flowers(), Preprocessing().Mixup(alpha: 0.4), new SynchronousProgress<TrainingProgress>(reports.Add));
        var epochs = reports.Where(r => r.IsEpochEnd).ToList();
        Assert.IsTrue(epochs.All(r => r.Validation is not null));
        Assert.AreEqual(60, epochs[0].Validation!.ConfusionMatrix.NumberOfClasses * 5);
        Assert.AreEqual(epochs.Count, model.History.Count);
    }

    [TestMethod]
    public void PredictionEngine_ManyThreadsAtOnce_GiveTheSequentialPredictions()
    {
        var data = Flowers();
        using var model = ImageClassificationModel.FromCheckpoint(s_teacherRun);
        var engine = model.CreatePredictionEngine(new ScoringOptions { IncludeCam = true });
        var images = data.Take(16).Select(s => s.Image.FilePath!).ToArray();
        var expected = images.Select(engine.Predict).ToArray();
        var actual = new ImagePrediction[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t => actual[t] = images.Select(engine.Predict).ToArray());
        foreach (var run in actual)
        {
            for (var i = 0; i < images.Length; i++)
            {
                Assert.AreEqual(expected[i].PredictedLabel, run[i].PredictedLabel, images[i]);
                for (var c = 0; c < expected[i].Score.Length; c++)
                {
                    Assert.AreEqual(expected[i].Score[c], run[i].Score[c], 1e-5, images[i]);
                }
            }
        }
    }

    [TestMethod]
    public void Options_OutOfRange_ThrowNamingTheOption()
    {
        var data = Flowers();
        ImageClassificationModel Fit(CamLossImageClassificationTrainer.Options options) => new CamLossImageClassificationTrainer(options).Fit(data, Preprocessing());
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Fit(new() { Architecture = Architecture.ResNet8, Epochs = 0 }));
        StringAssert.Contains(error.Message, "Epochs must be at least 1; got 0.");
        var early = Assert.ThrowsExactly<ArgumentException>(() => Fit(new() { Architecture = Architecture.ResNet8, EarlyStopping = new EarlyStoppingOptions() }));
        StringAssert.Contains(early.Message, "EarlyStopping needs validation data");
        var cores = Environment.ProcessorCount;
        var threads = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Fit(new() { Architecture = Architecture.ResNet8, Threads = 1000 }));
        StringAssert.Contains(threads.Message, $"Threads must be at most 4 per core, {4 * cores} on this machine's {cores} cores");
        var workers = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Fit(new() { Architecture = Architecture.ResNet8, DataLoaderWorkers = (4 * cores) + 1 }));
        StringAssert.Contains(workers.Message, $"DataLoaderWorkers must be at most 4 per core");
    }

    [TestMethod]
    public void Fit_SameSeedAndThreadsTwice_GivesIdenticalWeights()
    {
        // What users rely on instead of v1's Deterministic switch: on the CPU, a seed and a thread count fix
        // the initialisation, the data order, the augmentation and every kernel's reduction order. Exact (0) equality.
        var directory = Directory.CreateTempSubdirectory("camloss-repeat-").FullName;
        var threads = torch.get_num_threads();
        try
        {
            var data = TinyImages.Create(directory, count: 48, size: 12, classes: 3);
            ImageClassificationModel Fit() => new CamLossImageClassificationTrainer(new()
            {
                Architecture = Architecture.ResNet8, Epochs = 3, BatchSize = 8, LearningRate = 0.05, WarmupEpochs = 1,
                CamLossStartEpoch = 1, Threads = 2, DataLoaderWorkers = 2, Seed = 11,
            }).Fit(data, new ImagePipeline().RandomCrop(12, padding: 2).HorizontalFlip());

            using var first = Fit();
            using var second = Fit();
            Assert.AreEqual(0.0, ResumeTests.MaxWeightDifference(first, second), "max |Δweight| between two runs with the same seed and threads");
            CollectionAssert.AreEqual(first.History.Select(h => h.Loss).ToArray(), second.History.Select(h => h.Loss).ToArray(), "per-epoch loss");
        }
        finally
        {
            torch.set_num_threads(threads);
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Fit_ResNet8For2000Steps_ReleasesEveryTensorAndKeepsMemoryFlat()
    {
        // The lifetime proof, through the public trainer: 2,000 steps (64 images of 8×8 in batches of 4:
        // 16 steps × 125 epochs) of CAM-loss on CIFAR ResNet-8, with a loader thread. One intra-op thread: tensors this
        // small gain nothing from more, and on a busy machine OpenMP's spinning threads slow each step by 10-50×.
        // Measured at 14-27 s on 2 cores shared with other builds. Resident memory rises for the first ~300 steps
        // (allocator arenas) and is flat after: 0.6 MB over the last 1,500 steps alone, -3.6 to +4.5 MB in the
        // test process after other tests. The tensor counts are the exact proof; the 16 MB bound on memory catches
        // a native leak of 10 KB or more per step (one step's activations are several times that).
        const int steps = 2000;
        const int warmupSteps = 500;
        var directory = Directory.CreateTempSubdirectory("camloss-lifetime-").FullName;
        var threads = torch.get_num_threads();
        try
        {
            var data = TinyImages.Create(directory, count: 64, size: 8, classes: 4);
            ImageClassificationModel Fit(int epochs, IProgress<TrainingProgress>? progress = null) => new CamLossImageClassificationTrainer(new()
            {
                Architecture = Architecture.ResNet8, Epochs = epochs, BatchSize = 4, LearningRate = 0.02, CamLossStartEpoch = 0,
                Threads = 1, DataLoaderWorkers = 1, ProgressInterval = 8, Seed = 3,
            }).Fit(data, new ImagePipeline().HorizontalFlip(), progress);

            // A first, short run creates whatever the library and TorchSharp keep for the process (lazy statics).
            using (Fit(epochs: 1))
            {
            }

            // TorchSharp quirk: creating a Parameter moves the native handle out of the tensor it wraps without
            // decrementing TotalCount, so every module parameter ever created adds 1 for good. Count what one
            // new ResNet-8 adds that way: the run below creates exactly one network.
            var quirk = ParameterCountLeftByANewNetwork(data.Classes.Count);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = torch.Tensor.TotalCount;
            long? tensorsAfterWarmup = null;
            long? tensorsAtEnd = null;
            long rssAfterWarmup = 0;
            long rssAtEnd = 0;
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                // At an epoch end the loader's threads are done and every batch is disposed: the live tensors are the
                // network's and the optimiser's only, the same set at every epoch end.
                if (!p.IsEpochEnd)
                {
                    return;
                }

                var done = (p.Epoch + 1) * p.StepsPerEpoch;
                if (tensorsAfterWarmup is null && done >= warmupSteps)
                {
                    tensorsAfterWarmup = torch.Tensor.TotalCount;   // read before the GC that measuring memory runs
                    rssAfterWarmup = ResidentBytes();
                }
                else if (p.Epoch + 1 == p.Epochs)
                {
                    tensorsAtEnd = torch.Tensor.TotalCount;
                    rssAtEnd = ResidentBytes();
                }
            });

            var clock = Stopwatch.StartNew();
            var stepsDone = 0;
            using (var model = Fit(epochs: steps / 16, progress))
            {
                stepsDone = model.History.Count * 16;
            }

            var after = torch.Tensor.TotalCount;
            TestContext.WriteLine(
                $"{stepsDone} steps in {clock.Elapsed.TotalSeconds:F1} s; tensors: {before} before, {tensorsAfterWarmup} after {warmupSteps} steps, " +
                $"{tensorsAtEnd} at the end, {after} after disposing the model (+{quirk}: TorchSharp's count of the network's parameters); " +
                $"RSS after warm-up {rssAfterWarmup / 1048576.0:F1} MB, at the end {rssAtEnd / 1048576.0:F1} MB");
            Assert.AreEqual(steps, stepsDone);
            Assert.AreEqual(tensorsAfterWarmup, tensorsAtEnd, "no tensor accumulates from step to step");
            Assert.AreEqual(before + quirk, after, "every tensor the run made was released (the network's parameters counted as TorchSharp does)");
            var growthMb = (rssAtEnd - rssAfterWarmup) / 1048576.0;
            Assert.IsLessThan(16.0, growthMb, $"resident memory grew {growthMb:F2} MB over {steps - warmupSteps} steps after warm-up");
        }
        finally
        {
            torch.set_num_threads(threads);
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Fit_CudaRequestedWithoutCuda_ThrowsTorchDeviceUnavailableNamingTheBackends()
    {
        if (torch.cuda.is_available())
        {
            Assert.Inconclusive("This machine has CUDA; the test checks the message given without it.");
        }

        var directory = Directory.CreateTempSubdirectory("camloss-nocuda-").FullName;
        try
        {
            var data = TinyImages.Create(directory, count: 8, size: 8, classes: 2);
            var trainer = new CrossEntropyImageClassificationTrainer(new()
            {
                Architecture = Architecture.ResNet8, Epochs = 1, BatchSize = 4, Device = TrainingDevice.Cuda, Seed = 1,
            });
            var error = Assert.ThrowsExactly<TorchDeviceUnavailableException>(() => trainer.Fit(data));
            StringAssert.Contains(error.Message, "TorchSharp-cuda-linux");
            StringAssert.Contains(error.Message, "TorchSharp-cuda-windows");
            StringAssert.Contains(error.Message, "TrainingDevice.Cpu");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ImageDataset Flowers() => ImageFolder.Load(Path.Combine(SharedData.Require("flowers12"), "test"));

    private static ImagePipeline Preprocessing() => new ImagePipeline().Resize(32, 32).NormalizeImageNet();

    private static T Options<T>(T options)
        where T : ImageClassificationTrainerOptions
    {
        options.Architecture = Architecture.ResNet8;
        options.Epochs = Math.Max(options.Epochs == 160 ? 1 : options.Epochs, 1);
        options.BatchSize = 32;
        options.LearningRate = 0.05;
        options.Seed = 5;
        return options;
    }

    /// <summary>What creating and disposing one ResNet-8 leaves in <c>Tensor.TotalCount</c> (one per parameter: see the lifetime test).</summary>
    private static long ParameterCountLeftByANewNetwork(int classes)
    {
        var before = torch.Tensor.TotalCount;
        using (Backbones.Create(Architecture.ResNet8, classes))
        {
        }

        return torch.Tensor.TotalCount - before;
    }

    /// <summary>Resident memory (VmRSS) after a full collection, so that managed garbage awaiting the GC is not mistaken for a native leak.</summary>
    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (!File.Exists("/proc/self/status"))
        {
            return Environment.WorkingSet;
        }

        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
