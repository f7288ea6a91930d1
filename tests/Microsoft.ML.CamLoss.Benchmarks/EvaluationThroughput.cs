using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// Evaluation through the public API: <c>model.Transform(data)</c> over cifar10-jpeg test images
/// (../shared/data; skipped when absent) with the published CIFAR-10 ResNet-20 read by
/// <c>ImageClassificationModel.FromPyTorchCheckpoint</c>: decode, ImageNet normalisation, batches of 64 (the default),
/// forward, softmax, one prediction object per image. The PyTorch twin (Twins/eval_throughput.py)
/// scores the same images with the same checkpoint: torchvision ImageFolder + DataLoader (PIL,
/// same number of workers), batches of 64, forward, softmax to NumPy. Both count the whole pass,
/// loader start-up included, after a short warm-up pass; images/s, rounds alternate, medians.
/// </summary>
internal static class EvaluationThroughput
{
    public const string Name = "ResNet20 evaluation through model.Transform (cifar10-jpeg test, batch 64)";

    private static readonly string SharedData = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data"));

    public static void Report(int threads, int workers, int images = 5_000, int rounds = 3)
    {
        var root = Path.Combine(SharedData, "cifar10-jpeg", "test");
        var checkpoint = Path.Combine(SharedData, "pretrained", "cifar10-resnet", "resnet20-12fca82f.th");
        if (!Directory.Exists(root) || !File.Exists(checkpoint))
        {
            Console.WriteLine($"{Name}: skipped ({root} or {checkpoint} is absent)");
            return;
        }

        var all = ImageFolder.Load(root);
        var step = Math.Max(1, all.Count / images);
        var data = all.Subset(Enumerable.Range(0, all.Count).Where(i => i % step == 0).Take(images));
        var preprocessing = new ImagePipeline().NormalizeImageNet();
        using var model = ImageClassificationModel.FromPyTorchCheckpoint(checkpoint, Architecture.ResNet20, all.Classes, preprocessing, [3, 32, 32]);
        var options = new ScoringOptions { BatchSize = 64 };
        model.Transform(data.Subset(Enumerable.Range(0, 256)), options);           // warm-up

        var ours = new List<double>();
        var theirs = new List<double>();
        double accuracy = 0, twinAccuracy = 0;
        for (var round = 0; round < rounds; round++)
        {
            var start = Stopwatch.GetTimestamp();
            var scored = model.Transform(data, options);
            ours.Add(data.Count / Stopwatch.GetElapsedTime(start).TotalSeconds);
            accuracy = scored.Evaluate().MicroAccuracy;

            var twin = Twin.RunPython("eval_throughput.py", $"--root {root} --checkpoint {checkpoint} --threads {threads} --workers {workers} --batch 64 --images {images}");
            theirs.Add(twin.GetProperty("images_per_second").GetDouble());
            twinAccuracy = twin.GetProperty("accuracy").GetDouble();
        }

        var (o, t) = (Twin.Median(ours), Twin.Median(theirs));
        Console.WriteLine(
            $"{Name}, {data.Count} images, {workers} loader workers: C# {o:F0} images/s, PyTorch {t:F0} images/s, C# throughput = {o / t:F3} x PyTorch's " +
            $"(accuracy C# {accuracy:P2}, PyTorch {twinAccuracy:P2})");
    }
}
