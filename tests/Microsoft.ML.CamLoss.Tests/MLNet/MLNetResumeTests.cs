using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>Cancellation and resume through the ML.NET API: a run cancelled after its first epoch and resumed with <c>ResumeFrom</c> ends where an uninterrupted run ends.</summary>
[TestClass]
public sealed class MLNetResumeTests
{
    [TestMethod]
    public void Fit_CancelledThenResumeFrom_SameScoresAsUninterruptedRun()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 6));
        var straight = MLNetScenario.Pipeline(ml, MLNetScenario.Options(epochs: 3)).Fit(data);

        var directory = temp.Folder("run");
        var options = MLNetScenario.Options(directory, epochs: 3);
        using var cancel = new CancellationTokenSource();
        options.CancellationToken = cancel.Token;
        options.Progress = new SynchronousProgress(p =>
        {
            if (p.IsEpochEnd && p.Epoch == 0)
            {
                cancel.Cancel();
            }
        });
        Assert.Throws<OperationCanceledException>(() => MLNetScenario.Pipeline(ml, options).Fit(data));
        Assert.IsTrue(File.Exists(Path.Combine(directory, ImageClassificationTrainer.CheckpointFileName)), "a checkpoint was written");

        options.CancellationToken = CancellationToken.None;
        options.Progress = null;
        options.ResumeFrom = directory;
        var resumed = MLNetScenario.Pipeline(ml, options).Fit(data);

        var a = straight.Transform(data).GetColumn<float[]>("Score").ToList();
        var b = resumed.Transform(data).GetColumn<float[]>("Score").ToList();
        var worst = a.Zip(b, (x, y) => x.Zip(y, (u, v) => Math.Abs(u - v)).Max()).Max();
        Console.WriteLine($"worst |Δscore| resumed vs uninterrupted {worst:E2}");
        Assert.AreEqual(0.0, worst, "on the CPU with one thread a resumed run ends with the same weights");
    }

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
