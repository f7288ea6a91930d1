using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.CamLoss.TrainingHost;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>
/// A run stopped (by killing its process, or by cancellation) and resumed ends with the weights
/// of a run that was never stopped. The tolerance 1e-6 is the issue's; on one machine and thread
/// count the runs are in fact bit-identical, since every random choice derives from (seed, epoch, step),
/// the learning rate is a function of the step, and the checkpoint holds the weights and the optimiser's
/// state (SGD momentum; AdamW moments and step counts). The scenarios fix <c>Threads</c>, so that the
/// child process and this one compute alike whatever other tests set; the class restores the setting.
/// </summary>
[TestClass]
public sealed class ResumeTests
{
    private static readonly Dictionary<TrainingPrecision, (ImageClassificationModel Model, string Directory)> s_uninterrupted = [];
    private static int s_threads;

    [ClassInitialize]
    public static void RememberThreads(TestContext context) => s_threads = torch.get_num_threads();

    [ClassCleanup]
    public static void Cleanup()
    {
        torch.set_num_threads(s_threads);
        foreach (var (model, directory) in s_uninterrupted.Values)
        {
            model.Dispose();
            Directory.Delete(directory, recursive: true);
        }

        s_uninterrupted.Clear();
    }

    /// <summary>The largest |Δ| over every weight and buffer of two networks with the same keys (0 when bit-identical).</summary>
    internal static double MaxWeightDifference(ImageClassificationModel expected, ImageClassificationModel actual)
    {
        using var scope = torch.NewDisposeScope();
        var a = expected.Network.state_dict();
        var b = actual.Network.state_dict();
        CollectionAssert.AreEqual(a.Keys.ToArray(), b.Keys.ToArray(), "state-dict keys");
        return a.Keys.Max(k => (a[k].to(torch.ScalarType.Float64) - b[k].to(torch.ScalarType.Float64)).abs().max().item<double>());
    }

    [TestMethod]
    [DataRow(TrainingPrecision.Fp32)]
    [DataRow(TrainingPrecision.Bf16)]
    public void Resume_AfterProcessKilledAfterEpoch2_EndsWithUninterruptedWeights(TrainingPrecision precision)
    {
        var flowers = SharedData.Require("flowers12");
        var directory = Directory.CreateTempSubdirectory("camloss-kill-").FullName;
        try
        {
            using (var child = StartHost(flowers, directory, precision))
            {
                // Kill as soon as the checkpoint after epoch 2 exists (the child is then in epoch 3 or writing its checkpoint).
                WaitForLine(child, line => line.StartsWith("Checkpoint written", StringComparison.Ordinal) && line.Contains("(epoch 2, step 0)", StringComparison.Ordinal));
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
                Assert.AreNotEqual(0, child.ExitCode, "the child finished before it was killed");
            }

            var (trainer, preprocessing) = Scenario(directory, precision);
            using var resumed = trainer.Resume(directory, ScenarioData(flowers), preprocessing);
            AssertSameWeights(Uninterrupted(flowers, precision), resumed);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Resume_AfterCancellationMidEpoch_EndsWithUninterruptedWeights()
    {
        var flowers = SharedData.Require("flowers12");
        var directory = Directory.CreateTempSubdirectory("camloss-cancel-").FullName;
        try
        {
            var (trainer, preprocessing) = Scenario(directory, ResumeScenario.DefaultPrecision);
            var data = ScenarioData(flowers);
            using var cancellation = new CancellationTokenSource();
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Epoch == 1 && p.Step == 4)
                {
                    cancellation.Cancel();
                }
            });
            var error = Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(data, preprocessing, progress, cancellation.Token));
            StringAssert.Contains(error.Message, "epoch 2, step 4");
            StringAssert.Contains(error.Message, Path.Combine(directory, ImageClassificationTrainer.CheckpointFileName));

            using var resumed = trainer.Resume(directory, data, preprocessing);
            AssertSameWeights(Uninterrupted(flowers, ResumeScenario.DefaultPrecision), resumed);
            Assert.AreEqual(ResumeScenario.Epochs, resumed.History.Count);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Resume_CheckpointOfAnotherRun_ThrowsNamingTheDifference()
    {
        var flowers = SharedData.Require("flowers12");
        var directory = Directory.CreateTempSubdirectory("camloss-other-").FullName;
        try
        {
            var data = ScenarioData(flowers);
            using var cancellation = new CancellationTokenSource();
            cancellation.Cancel();
            var (trainer, preprocessing) = Scenario(directory, ResumeScenario.DefaultPrecision);
            Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(data, preprocessing, cancellationToken: cancellation.Token));

            var other = new CamLossImageClassificationTrainer(new() { Architecture = Architecture.ResNet8, Epochs = 9, BatchSize = 32, Seed = 7 });
            var error = Assert.ThrowsExactly<ArgumentException>(() => other.Resume(directory, data, new ImagePipeline().Resize(32, 32)));
            StringAssert.Contains(error.Message, "belongs to a different run");
            StringAssert.Contains(error.Message, "epochs 4 → 9");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    [DataRow(OptimizerKind.Sgd, TrainingPrecision.Fp32)]
    [DataRow(OptimizerKind.AdamW, TrainingPrecision.Fp32)]
    [DataRow(OptimizerKind.Sgd, TrainingPrecision.Bf16)]
    [DataRow(OptimizerKind.AdamW, TrainingPrecision.Bf16)]
    [DataRow(OptimizerKind.Sgd, TrainingPrecision.Fp16)]
    public void Resume_AfterCancellationMidEpoch_SyntheticData_EndsWithUninterruptedWeights(OptimizerKind optimizer, TrainingPrecision precision)
    {
        // The same proof on data the test makes itself (a fresh clone runs it), for both optimisers' state, in fp32 and in
        // mixed precision (bf16: the checkpoint's fp32 master weights are all there is; fp16: the loss scaler's state too).
        var directory = Directory.CreateTempSubdirectory("camloss-resume-").FullName;
        try
        {
            var data = TinyImages.Create(Directory.CreateDirectory(Path.Combine(directory, "data")).FullName, count: 40, size: 12, classes: 4);
            var preprocessing = new ImagePipeline().RandomCrop(12, padding: 2).HorizontalFlip();
            CamLossImageClassificationTrainer Trainer(string run) => new(new()
            {
                Architecture = Architecture.ResNet8, Epochs = 3, BatchSize = 8, Optimizer = optimizer,
                LearningRate = optimizer == OptimizerKind.AdamW ? 0.003 : 0.05, WarmupEpochs = 1, Nesterov = true,
                HeadLearningRateMultiplier = 2, CamLossStartEpoch = 1, Threads = 1, DataLoaderWorkers = 2, Precision = precision,
                CheckpointDirectory = Path.Combine(directory, run), ProgressInterval = 1, Seed = 4,
            });

            using var whole = Trainer("whole").Fit(data, preprocessing);
            var stopped = Trainer("stopped");
            using var cancellation = new CancellationTokenSource();
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Epoch == 1 && p.Step == 2)
                {
                    cancellation.Cancel();
                }
            });
            var error = Assert.ThrowsExactly<OperationCanceledException>(() => stopped.Fit(data, preprocessing, progress, cancellation.Token));
            StringAssert.Contains(error.Message, "epoch 2, step 2");

            using var resumed = stopped.Resume(Path.Combine(directory, "stopped"), data, preprocessing);
            Assert.AreEqual(0.0, MaxWeightDifference(whole, resumed), "max |Δweight| (bit-identical: same process, same threads)");
            CollectionAssert.AreEqual(whole.History.Select(h => h.Loss).ToArray(), resumed.History.Select(h => h.Loss).ToArray(), "per-epoch loss");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ImageClassificationModel Uninterrupted(string flowers, TrainingPrecision precision)
    {
        if (!s_uninterrupted.TryGetValue(precision, out var run))
        {
            var directory = Directory.CreateTempSubdirectory("camloss-whole-").FullName;
            var (trainer, preprocessing) = Scenario(directory, precision);
            run = (trainer.Fit(ScenarioData(flowers), preprocessing), directory);
            s_uninterrupted[precision] = run;
        }

        return run.Model;
    }

    /// <summary>The training host's run (<see cref="ResumeScenario"/>), checkpointing to <paramref name="directory"/>.</summary>
    private static (ImageClassificationTrainer Trainer, ImagePipeline Preprocessing) Scenario(string directory, TrainingPrecision precision) =>
        (ResumeScenario.Trainer(directory, precision), ResumeScenario.Preprocessing);

    /// <summary>The training host's data.</summary>
    private static ImageDataset ScenarioData(string flowers12) => ResumeScenario.Data(flowers12);

    private static void AssertSameWeights(ImageClassificationModel expected, ImageClassificationModel actual)
    {
        var worst = MaxWeightDifference(expected, actual);
        Assert.IsLessThanOrEqualTo(1e-6, worst, $"max |Δweight| = {worst}");
        CollectionAssert.AreEqual(
            expected.History.Select(h => h.TrainAccuracy).ToArray(), actual.History.Select(h => h.TrainAccuracy).ToArray(), "per-epoch training accuracy");
    }

    private static Process StartHost(string flowers, string directory, TrainingPrecision precision)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.CamLoss.TrainingHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "exec", host, flowers, directory, "--precision", precision.ToString() })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the training host");
    }

    private static void WaitForLine(Process child, Func<string, bool> match)
    {
        var seen = new List<string>();
        while (child.StandardOutput.ReadLine() is { } line)
        {
            seen.Add(line);
            if (match(line))
            {
                return;
            }
        }

        Assert.Fail($"The training host ended (exit {(child.WaitForExit(5000) ? child.ExitCode : -1)}) without the expected line. Output:\n{string.Join('\n', seen)}\n{child.StandardError.ReadToEnd()}");
    }
}
