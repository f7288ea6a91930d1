using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.FewShot;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Accuracy;

/// <summary>
/// The CAM-loss paper's Table 6 (Baseline++ on CUB, 5-way 1-shot and 5-shot), CPU-sized: the 100-species
/// CUB subset split by class 50 / 25 / 25 (seeded), a ResNet with a cosine classifier trained from scratch
/// on every image of the 50 base classes with cross-entropy and with CAM-loss, then 600 episodes of each
/// K on the 25 novel classes: mean ± 1.96·σ/√600, the same episodes for both models (so their paired
/// difference is reported too). Run folders (checkpoints), split and results go to <c>artifacts/fewshot/</c>.
/// </summary>
internal static class FewShotComparison
{
    /// <summary>The paper's Table 6, CUB column: Baseline++ and Baseline++ + CAM-loss (ResNet-18, 224 px, Chen et al.'s 400-epoch protocol).</summary>
    private static readonly (int Shot, double CrossEntropy, double CamLoss)[] Paper = [(1, 67.08, 74.12), (5, 84.19, 88.93)];

    public static void Cub(string root, string outputFolder, int epochs, int imageSize, Architecture architecture, int episodes)
    {
        var resize = imageSize * 8 / 7;
        var threads = int.TryParse(Environment.GetEnvironmentVariable("CAMLOSS_THREADS"), out var t) ? t : (int?)null;
        Console.WriteLine(
            $"CUB-200-2011 subset (100 species, all 5,902 images) split by class 50 base / 25 validation / 25 novel (seed 1); Baseline++: {architecture} from scratch with a cosine classifier (scale 10) " +
            $"on the base classes, {epochs} epochs, batch 32, SGD lr 0.05 momentum 0.9 wd 5e-4 cosine with 1 warm-up epoch, resize {resize} + random crop {imageSize} + flip (centre crop for features); " +
            $"cross-entropy vs CAM-loss c = 3 from the epoch after training accuracy passes 50 % (adaptive start); 5-way 1-shot and 5-shot, 15 queries, {episodes} episodes each (seed 1), " +
            $"a new cosine classifier per episode (100 passes, batch 4, SGD 0.01, momentum 0.9, dampening 0.9, wd 0.001); libtorch threads {threads?.ToString(CultureInfo.InvariantCulture) ?? "default"}");
        Directory.CreateDirectory(outputFolder);
        // Skipping, not stopping, on an unreadable image: one run here stopped on a JPEG that read back truncated once and
        // whole ever after (a shared machine); a skip is counted and printed at the end, so a run it touched can be told.
        var all = Cub200.Load(root, DataSplit.All, new ImageDatasetOptions { SkipInvalidImages = true });
        var split = FewShotClassSplit.Create(all.Classes, baseCount: 50, validationCount: 25, seed: 1);
        split.Save(Path.Combine(outputFolder, "cub" + FewShotClassSplit.FileExtension));
        var train = split.Select(all, FewShotClassPart.Base);
        var novel = split.Select(all, FewShotClassPart.Novel);
        Console.WriteLine($"base: {train.Count} images of {train.Classes.Count} classes; novel: {novel.Count} images of {novel.Classes.Count} classes");
        var preprocessing = new ImagePipeline()
            .Resize(resize, resize)
            .RandomCrop(imageSize)
            .HorizontalFlip()
            .NormalizeImageNet();
        T Options<T>(T options, string runFolder)
            where T : ImageClassificationTrainerOptions
        {
            options.Seed = 1;
            options.CheckpointDirectory = runFolder;
            options.Architecture = architecture;
            options.Epochs = epochs;
            options.BatchSize = 32;
            options.LearningRate = 0.05;
            options.WarmupEpochs = Math.Min(1, epochs - 1);
            options.CosineClassifierScale = CosineClassifier.DefaultScale;
            options.ProgressInterval = 50;
            options.Threads = threads;
            return options;
        }

        var crossEntropy = Run("Baseline++ (cross-entropy)", Path.Combine(outputFolder, "cub-ce"), preprocessing, train, novel, episodes,
            runFolder => new CrossEntropyImageClassificationTrainer(Options(new CrossEntropyImageClassificationTrainer.Options(), runFolder)));
        var camLoss = Run("Baseline++ + CAM-loss", Path.Combine(outputFolder, "cub-camloss"), preprocessing, train, novel, episodes,
            runFolder => new CamLossImageClassificationTrainer(Options(new CamLossImageClassificationTrainer.Options { AdaptiveStart = true }, runFolder)));

        Console.WriteLine($"images skipped while reading: {all.SkipReport.Count}{(all.SkipReport.Count == 0 ? string.Empty : $": {string.Join("; ", all.SkipReport.Items)}")}");
        Console.WriteLine($"SUMMARY CUB subset few-shot, {architecture} {imageSize}px {epochs} epochs, 5-way, {episodes} episodes (mean ± 95% interval; paper: ResNet-18, 224 px, 400 epochs, 200 classes):");
        foreach (var (shot, paperCe, paperCam) in Paper)
        {
            var (ce, cam) = (crossEntropy[shot], camLoss[shot]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {shot}-shot: cross-entropy {ce.Accuracy.ToPercent()}, CAM-loss {cam.Accuracy.ToPercent()}, CAM-loss − cross-entropy {100 * cam.PairedDifference(ce).Mean:+0.00;-0.00} ± {100 * cam.PairedDifference(ce).HalfWidth:F2} points (paired); paper {paperCe:F2} → {paperCam:F2} ({paperCam - paperCe:+0.00})"));
        }
    }

    /// <summary>
    /// Trains one Baseline++ with <paramref name="runFolder"/> as its checkpoint directory (or, when the folder holds a
    /// checkpoint, resumes that run: a finished run returns its model at once), then scores the novel episodes; prints and
    /// writes the results (<c>RUNFOLDER.fewshot.json</c>).
    /// </summary>
    private static FewShotEvaluation Run(
        string name, string runFolder, ImagePipeline preprocessing, ImageDataset train, ImageDataset novel, int episodes, Func<string, ImageClassificationTrainer> trainer)
    {
        var clock = Stopwatch.StartNew();
        var progress = new Experiment.SynchronousProgress(p =>
        {
            if (p.IsEpochEnd)
            {
                Console.WriteLine($"  {name}: {p}");
            }
        });
        var checkpoint = Path.Combine(runFolder, ImageClassificationTrainer.CheckpointFileName);
        ImageClassificationModel model;
        if (File.Exists(checkpoint))
        {
            Console.WriteLine($"  {name}: continuing the run in {runFolder} (a finished one is used as it is; delete the folder to train again)");
            model = trainer(runFolder).Resume(checkpoint, train, preprocessing, progress);
        }
        else
        {
            model = trainer(runFolder).Fit(train, preprocessing, progress);
            Console.WriteLine($"  {name}: trained in {clock.Elapsed.TotalMinutes:F1} min, checkpoint {checkpoint}");
        }

        using (model)
        {
            clock.Restart();
            var evaluation = FewShotEvaluator.Evaluate(model, novel, new FewShotOptions { Way = 5, Shots = [1, 5], Queries = 15, Episodes = episodes, Seed = 1 });
            File.WriteAllText(runFolder + ".fewshot.json", evaluation.ToJson().ToJsonString());
            foreach (var result in evaluation.Results)
            {
                Console.WriteLine($"RESULT {name}: {result}");
            }

            Console.WriteLine($"  {name}: episodes scored in {clock.Elapsed.TotalMinutes:F1} min");
            return evaluation;
        }
    }
}
