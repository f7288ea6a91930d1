using System.Globalization;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// Fine-tuning throughput from the ImageNet weights of Microsoft.ML.DnnImageFeaturizer.ResNet18, as the accuracy
/// program's <c>imagenet-transfer</c> runs it: our CamLoss trainer (CAM-loss on from the first step, α 3) vs the
/// PyTorch 1.13 twin (Twins/imagenet_finetune.py), both with the same weights (the twin maps the package's ONNX
/// graph itself; the pooled features of a fixed picture are compared to show they agree), the same 512 CUB
/// training JPEGs, resize 146 + random crop 128 + flip + the package's mean image, batch 32, 1 loader worker,
/// SGD momentum 0.9 with the head at 10× the rate. Images/s over the steps after the first two (decoding,
/// augmentation, forward, backward, update; what an epoch costs). One run each.
/// </summary>
internal static class ImageNetFineTuneThroughput
{
    public const string Name = "imagenet fine-tune";
    private const int Images = 512;
    private const int Batch = 32;
    private const int Size = 128;
    private const int SkippedSteps = 2;

    public static void Report(int threads)
    {
        var root = LoaderThroughput.CubRoot;
        if (!File.Exists(Path.Combine(root, "images.txt")) || ImageNetWeights.ModelDirectory is not { } models)
        {
            Console.WriteLine($"{Name}: skipped (needs {root} and the files of {ImageNetWeights.PackageId})");
            return;
        }

        var all = Cub200.Load(root, DataSplit.Train);
        var data = all.Subset(Enumerable.Range(0, Images).Select(i => i * all.Count / Images), "CUB subset, 512 training images");
        var list = Path.GetTempFileName();
        File.WriteAllLines(list, data.Select(s => $"{s.Label} {s.Image.Name}"));
        try
        {
            var ours = Ours(data, threads, TrainingPrecision.Fp32);
            var oursDefault = Ours(data, threads, TrainingPrecision.Auto);
            var check = FeatureCheck();
            var twin = Twin.RunPython("imagenet_finetune.py", $"--threads {threads} --models \"{models}\" --images \"{list}\" --classes {all.Classes.Count} --batch {Batch} --size {Size} --skip {SkippedSteps}");
            var theirs = twin.GetProperty("images_per_second").GetDouble();
            var twinFeatures = twin.GetProperty("check_features").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var difference = check.Zip(twinFeatures, (a, b) => Math.Abs(a - b)).Max() / check.Max(Math.Abs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name} (ResNet18Cntk from ImageNet, CUB {Images} images, {Size}x{Size}, batch {Batch}, CAM-loss α 3, {threads} threads, 1 loader worker): " +
                $"ours fp32 {ours:F1} images/s, PyTorch 1.13 fp32 {theirs:F1} images/s, ours = {ours / theirs:F2} x PyTorch's; " +
                $"ours in the default precision (Auto: bf16 where the CPU computes it) {oursDefault:F1} images/s = {oursDefault / theirs:F2} x PyTorch fp32's; " +
                $"same weights: pooled features of a fixed picture differ by {difference:E1} x max|feature|"));
        }
        finally
        {
            File.Delete(list);
        }
    }

    private static double Ours(ImageDataset data, int threads, TrainingPrecision precision)
    {
        var options = new CamLossImageClassificationTrainer.Options
        {
            Architecture = Architecture.ResNet18,
            PretrainedWeights = PretrainedWeights.ImageNet,
            Epochs = 1,
            BatchSize = Batch,
            LearningRate = 0.01,
            HeadLearningRateMultiplier = 10,
            CamLossWeight = 3,
            CamLossStartEpoch = 0,
            DataLoaderWorkers = 1,
            Threads = threads,
            ProgressInterval = 1,
            Precision = precision,
            Seed = 1,
        };
        var preprocessing = new ImagePipeline()
            .Resize(Size * 8 / 7)
            .RandomCrop(Size)
            .HorizontalFlip()
            .NormalizeImageNet();
        var times = new List<(int Step, TimeSpan Elapsed)>();
        var progress = new Recorder(p =>
        {
            if (!p.IsEpochEnd)
            {
                times.Add((p.Step, p.Elapsed));
            }
        });
        using var model = new CamLossImageClassificationTrainer(options).Fit(data, preprocessing, progress);
        var (first, last) = (times.First(t => t.Step == SkippedSteps), times[^1]);
        var images = Math.Min(last.Step * Batch, data.Count) - (first.Step * Batch);
        return images / (last.Elapsed - first.Elapsed).TotalSeconds;
    }

    /// <summary>Pooled features of a fixed 128×128 picture (pixel (c, y, x) = (7y + 3x + 50c) mod 256) through the imported network and mean image.</summary>
    private static double[] FeatureCheck()
    {
        using var scope = NewDisposeScope();
        using var network = ImageNetWeights.ResNet18(numClasses: 1);
        network.eval();
        var c = arange(3).view(3, 1, 1);
        var y = arange(Size).view(1, Size, 1);
        var x = arange(Size).view(1, 1, Size);
        var picture = ((7 * y) + (3 * x) + (50 * c)).remainder(256).to(ScalarType.Byte);
        using (no_grad())
        {
            var output = network.forward(ImageNetWeights.ResNet18Preprocessing.Apply(picture, new SeededRandom(0)).unsqueeze(0));
            return [.. nn.functional.adaptive_avg_pool2d(output.Last, 1).flatten().to(ScalarType.Float64).data<double>()];
        }
    }

    private sealed class Recorder(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
