using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// On the CUB subset's training JPEGs (../shared/data; skipped when absent):
/// (a) <see cref="LoaderCase"/>: our <see cref="ImageLoader"/> (SkiaSharp decoding) vs PyTorch's DataLoader
/// (PIL decoding; there is no plain TorchSharp side: TorchSharp has no image decoder or loader of its own); (b) a
/// ResNet-18 training step at 224×224 fed by the loader: the fraction of step time spent waiting for data, with the
/// workers' libtorch operations on one thread each (the default) and, to show what that saves, on as many threads as
/// the training step (every worker's OpenMP team then competes with the training thread's for the same cores).
/// </summary>
internal static class LoaderThroughput
{
    public static readonly string CubRoot = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data/cub200-subset/CUB_200_2011"));

    /// <summary>Loader workers on both sides (threads for ours, processes for PyTorch's DataLoader): 2, the case's definition.</summary>
    public const int Workers = 2;

    public static ImagePipeline Pipeline { get; } = new ImagePipeline().RandomResizedCrop(224).HorizontalFlip().NormalizeImageNet();

    public static void Report(int threads, int workers, int trainSteps = 4)
    {
        if (!File.Exists(Path.Combine(CubRoot, "images.txt")))
        {
            Console.WriteLine($"CUB loader: skipped ({CubRoot} is absent)");
            return;
        }

        var data = Cub200.Load(CubRoot, DataSplit.Train);
        new LoaderCase(data, workers, warmup: 3, steps: 60, rounds: 3).Report(threads);
        TrainWithLoader(data, workers, trainSteps, threadsPerWorker: 1);
        TrainWithLoader(data, workers, trainSteps, threadsPerWorker: threads);
    }

    private static void TrainWithLoader(ImageDataset data, int workers, int steps, int threadsPerWorker)
    {
        manual_seed(0);
        using var model = Backbones.Create(Architecture.ResNet18, data.Classes.Count);
        model.train();
        using var sgd = optim.SGD(model.parameters(), 0.01, momentum: 0.9, weight_decay: 5e-4);
        var loader = new ImageLoader(data, Pipeline, new ImageLoaderOptions { BatchSize = 32, Seed = 1, Workers = workers, ThreadsPerWorker = threadsPerWorker });
        var n = 0;
        var waitedBefore = TimeSpan.Zero;
        var start = 0L;
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                model.zero_grad();
                nn.functional.cross_entropy(model.forward(batch.Images).Logits, batch.Labels).backward();
                sgd.step();
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
        Console.WriteLine($"ResNet-18 train step (224x224, batch 32) fed by the loader ({workers} workers, {threadsPerWorker} intra-op thread(s) each): {total.TotalMilliseconds / steps:F0} ms/step, waiting for data {waited.TotalMilliseconds / steps:F1} ms/step = {waited / total:P1} of step time");
    }
}

/// <summary>
/// Decoding + RandomResizedCrop(224) + flip + normalise into batches of 32 with the same number of
/// workers as PyTorch's DataLoader (Twins/loader_batch.py): a step is taking the next batch.
/// </summary>
internal sealed class LoaderCase(ImageDataset data, int workers, int warmup, int steps, int rounds)
    : BenchmarkCase($"CUB loader (decode + RandomResizedCrop 224 + flip + normalise, batch 32, {workers} workers)", warmup, steps, rounds)
{
    protected override string TwinScript => "loader_batch.py";

    protected override bool UseMean => true;

    protected override string TwinArguments => $"--root {LoaderThroughput.CubRoot} --workers {workers}";

    protected override IStepRunner CreateRunner() => new Runner(new ImageLoader(data, LoaderThroughput.Pipeline, new ImageLoaderOptions { BatchSize = 32, Workers = workers }));

    private sealed class Runner(ImageLoader loader) : IStepRunner
    {
        private readonly IEnumerator<ImageBatch> _batches = loader.Epoch(0).GetEnumerator();

        public void Step()
        {
            if (!_batches.MoveNext())
            {
                throw new InvalidOperationException("the epoch ended before the benchmark did");
            }

            _batches.Current.Dispose();
        }

        public void Dispose() => _batches.Dispose();
    }
}
