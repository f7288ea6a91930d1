using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Tests;

/// <summary>
/// A real, tiny training run shared by the gallery and report tests (trained once per test
/// process, a few seconds): ResNet-8 on the 240 flowers12 test images at 32×32, 2 epochs, CAM-loss
/// from epoch 1, 20% held out for validation, progress logged every 2 steps into a run folder that
/// also gets <c>evaluation.json</c> (the model evaluated on all 240 images). The folder is deleted
/// when the process exits. Inconclusive without ../shared/data/flowers12.
/// </summary>
internal sealed class TinyFlowersRun
{
    private static readonly Lazy<TinyFlowersRun> Shared = new(Train);

    private TinyFlowersRun(ImageDataset data, ImageClassificationModel model, Microsoft.ML.Data.MulticlassClassificationMetrics metrics, string runDirectory, TimeSpan trainingTime)
    {
        Data = data;
        Model = model;
        Metrics = metrics;
        RunDirectory = runDirectory;
        TrainingTime = trainingTime;
    }

    /// <summary>The 240 images (12 classes × 20).</summary>
    public ImageDataset Data { get; }

    /// <summary>The trained model (lives as long as the process).</summary>
    public ImageClassificationModel Model { get; }

    /// <summary>The model evaluated on <see cref="Data"/>, as written to evaluation.json.</summary>
    public Microsoft.ML.Data.MulticlassClassificationMetrics Metrics { get; }

    /// <summary>The run folder: training.jsonl, the checkpoint and evaluation.json. Copy it before changing anything.</summary>
    public string RunDirectory { get; }

    /// <summary>How long training took.</summary>
    public TimeSpan TrainingTime { get; }

    /// <summary>The shared run (trained on first use).</summary>
    public static TinyFlowersRun Get() => Shared.Value;

    /// <summary>Copies the run folder's files into <paramref name="folder"/> and returns it.</summary>
    public string CopyTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(RunDirectory))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        }

        return folder;
    }

    private static TinyFlowersRun Train()
    {
        var root = SharedData.Require("flowers12");
        var runDirectory = Directory.CreateTempSubdirectory("camloss-tinyrun-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(runDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        };

        var clock = Stopwatch.StartNew();
        var data = ImageFolder.Load(Path.Combine(root, "test"));
        var trainer = new CamLossImageClassificationTrainer(new()
        {
            Architecture = Architecture.ResNet8, Epochs = 2, BatchSize = 32, LearningRate = 0.05, CamLossStartEpoch = 1, Seed = 1,
            CheckpointDirectory = runDirectory, ValidationFraction = 0.2, ProgressInterval = 2,
        });
        var model = trainer.Fit(data, new ImagePipeline().Resize(32, 32).NormalizeImageNet());
        var metrics = model.Transform(data).Evaluate();
        File.WriteAllText(Path.Combine(runDirectory, "evaluation.json"), MulticlassEvaluation.ToJson(metrics, model.ClassNames).ToJsonString());
        return new TinyFlowersRun(data, model, metrics, runDirectory, clock.Elapsed);
    }
}
