using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// Issue 5, item 4. (a) Throughput of decoding + RandomResizedCrop(224) + flip + normalise of the
/// CUB subset's training JPEGs into batches of 32: our <see cref="ImageLoader"/> vs PyTorch's
/// DataLoader with torchvision transforms (Twins/loader_throughput.py), the same number of
/// workers, rounds alternated; images/s after warm-up batches. (b) A ResNet-18 training step at
/// 224×224 fed by the loader: the fraction of step time spent waiting for data.
/// </summary>
internal static class LoaderThroughput
{
    public static void Report(int workers, int warmup = 3, int batches = 25, int rounds = 3, int trainSteps = 4)
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data/cub200-subset/CUB_200_2011"));
        if (!File.Exists(Path.Combine(root, "images.txt")))
        {
            Console.WriteLine($"loader throughput: skipped ({root} is absent)");
            return;
        }

        var data = Cub200.Load(root, DataSplit.Train);
        var pipeline = new ImagePipeline().RandomResizedCrop(224).HorizontalFlip().NormalizeImageNet();
        var ours = new List<double>();
        var theirs = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            ours.Add(RunOurs(data, pipeline, workers, warmup, batches, (ulong)round));
            theirs.Add(RunPyTorch(root, workers, warmup, batches, round));
        }

        var (o, t) = (ours.Order().ElementAt(rounds / 2), theirs.Order().ElementAt(rounds / 2));
        Console.WriteLine($"CUB loader (decode + RandomResizedCrop 224 + flip + normalise, batch 32, {workers} workers): C# {o:F0} images/s, PyTorch DataLoader {t:F0} images/s, ratio {o / t:F3}");

        TrainWithLoader(data, pipeline, workers, trainSteps);
    }

    private static double RunOurs(ImageDataset data, ImagePipeline pipeline, int workers, int warmup, int batches, ulong seed)
    {
        var loader = new ImageLoader(data, pipeline, new ImageLoaderOptions { BatchSize = 32, Seed = seed, Workers = workers });
        var n = 0;
        var start = 0L;
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            if (++n == warmup)
            {
                start = Stopwatch.GetTimestamp();
            }
            else if (n == warmup + batches)
            {
                break;
            }
        }

        return batches * 32 / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double RunPyTorch(string root, int workers, int warmup, int batches, int seed)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Twins", "loader_throughput.py");
        var info = new ProcessStartInfo("/usr/bin/python3", $"{script} --root {root} --workers {workers} --warmup {warmup} --batches {batches} --seed {seed}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start python3");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? JsonDocument.Parse(output).RootElement.GetProperty("images_per_s").GetDouble()
            : throw new InvalidOperationException($"PyTorch twin loader_throughput.py failed: {error}");
    }

    private static void TrainWithLoader(ImageDataset data, ImagePipeline pipeline, int workers, int steps)
    {
        TorchRuntime.ManualSeed(0);
        using var model = Backbones.Create(Architecture.ResNet18, data.Classes.Count);
        using var sgd = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01, Momentum = 0.9, WeightDecay = 5e-4 });
        var loader = new ImageLoader(data, pipeline, new ImageLoaderOptions { BatchSize = 32, Seed = 1, Workers = workers });
        var n = 0;
        var waitedBefore = TimeSpan.Zero;
        var start = 0L;
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            using (var scope = new TensorScope())
            {
                sgd.ZeroGrad();
                using var output = model.Forward(batch.Images);
                Functional.CrossEntropy(output.Logits, batch.Labels).Backward();
                sgd.Step();
            }

            if (++n == 1)
            {
                (waitedBefore, start) = (loader.WaitTime, Stopwatch.GetTimestamp());
            }
            else if (n == steps + 1)
            {
                break;
            }
        }

        var total = Stopwatch.GetElapsedTime(start);
        var waited = loader.WaitTime - waitedBefore;
        Console.WriteLine($"ResNet-18 train step (224x224, batch 32) fed by the loader ({workers} workers): {total.TotalMilliseconds / steps:F0} ms/step, waiting for data {waited.TotalMilliseconds / steps:F1} ms/step = {waited / total:P1} of step time");
    }
}
