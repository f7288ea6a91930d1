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
        options.Progress = new SynchronousProgress<TrainingProgress>(p =>
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

    [TestMethod]
    public void Fit_KilledProcessThenResumeFrom_SameScoresAsUninterruptedRun()
    {
        using var temp = new TempFolder();
        var root = MLNetScenario.Images(temp, perClass: 6);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(root);
        var straight = MLNetScenario.Pipeline(ml, MLNetScenario.Options(epochs: 3)).Fit(data).Transform(data).GetColumn<float[]>("Score").ToList();

        var directory = temp.Folder("run");
        var scoresPath = Path.Combine(temp.Path, "scores.json");
        var host = Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.CamLoss.TrainingHost.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "exec", host, "mlnet-train", root, directory, scoresPath })
        {
            start.ArgumentList.Add(argument);
        }

        using (var child = System.Diagnostics.Process.Start(start)!)
        {
            var seen = new List<string>();
            while (child.StandardOutput.ReadLine() is { } line && !line.StartsWith("Checkpoint written", StringComparison.Ordinal))
            {
                seen.Add(line);
            }

            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            Assert.IsFalse(File.Exists(scoresPath), $"the run was killed before it ended: {string.Join('\n', seen)}");
        }

        MLNetEndToEndTests.RunHost("mlnet-train", root, directory, scoresPath, "--resume");
        var resumed = System.Text.Json.JsonSerializer.Deserialize<List<float[]>>(File.ReadAllText(scoresPath))!;
        var worst = straight.Zip(resumed, (x, y) => x.Zip(y, (u, v) => Math.Abs(u - v)).Max()).Max();
        Console.WriteLine($"worst |Δscore| killed+resumed vs uninterrupted {worst:E2}");
        Assert.AreEqual(0.0, worst, "on the CPU with one thread a resumed run ends with the same weights");
    }
}
