using System.Text.Json;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// Leak check: a small real training run through the public API (CAM-loss, ResNet-8, the first
/// 2,000 Fashion-MNIST training images held in memory, pad-2 crop + flip, batch 128, 20 epochs)
/// with the resident memory (<c>VmRSS</c>) and the live tensor count (TorchSharp's
/// <c>torch.Tensor.TotalCount</c>: tensors created and not yet disposed) read at the end of
/// every epoch, on the training thread; at the end of the first and the last epoch, the two
/// compared, after a full garbage collection, with the live managed heap. A leak shows as growth from epoch 1 to
/// epoch 20; the PyTorch twin (Twins/leak_loop.py: the same model, loss, augmentation, optimiser
/// and schedule in a plain loop) shows what the same work costs there.
/// </summary>
internal static class LeakCheck
{
    public const string Name = "leak check (ResNet-8 CAM-loss, 2,000 Fashion-MNIST images, 20 epochs)";

    public static void Report(int threads, int images = 2_000, int epochs = 20)
    {
        if (!File.Exists(Path.Combine(Idx.DebianFashionMnistFolder, "train-images-idx3-ubyte.gz")))
        {
            Console.WriteLine($"{Name}: skipped ({Idx.DebianFashionMnistFolder} is absent; apt-get install dataset-fashion-mnist)");
            return;
        }

        var ours = Ours(threads, images, epochs);
        Print("C#", ours, epochs, extra: $"; live tensors {ours[0].Tensors} → {ours[^1].Tensors}, live managed heap {ours[0].ManagedMb:F1} → {ours[^1].ManagedMb:F1} MB");
        var twin = Twin.RunPython("leak_loop.py", $"--threads {threads} --images {images} --epochs {epochs}");
        var theirs = twin.GetProperty("rss_mb").EnumerateArray().Select(e => new EpochMemory(e.GetDouble(), 0, 0)).ToArray();
        Print("PyTorch", theirs, epochs, extra: string.Empty);
    }

    private static EpochMemory[] Ours(int threads, int images, int epochs)
    {
        var train = Idx.LoadFashionMnist(DataSplit.Train);
        train = train.Subset(Enumerable.Range(0, images));
        var preprocessing = new ImagePipeline().RandomCrop(28, padding: 2).HorizontalFlip().NormalizeImageNet();
        var trainer = new CamLossImageClassificationTrainer(new CamLossImageClassificationTrainer.Options
        {
            Architecture = Architecture.ResNet8, Epochs = epochs, BatchSize = 128, LearningRate = 0.1, CamLossStartEpoch = 1,
            Threads = threads, ProgressInterval = int.MaxValue, Seed = 1,
        });
        var memory = new List<EpochMemory>();
        using var model = trainer.Fit(train, preprocessing, new EpochEndProgress(epoch =>
        {
            // At the two epochs compared, a full collection first, so that managed garbage not yet
            // collected (loading Fashion-MNIST leaves ~100 MB) is not mistaken for a leak; only there,
            // since collections change what RSS does.
            var managed = epoch == 0 || epoch == epochs - 1 ? GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024) : double.NaN;
            memory.Add(new EpochMemory(ProcessMemory.ResidentMb, torch.Tensor.TotalCount, managed));
        }));
        return [.. memory];
    }

    private static void Print(string who, EpochMemory[] memory, int epochs, string extra)
    {
        var (first, last) = (memory[0].ResidentMb, memory[^1].ResidentMb);
        Console.WriteLine(
            $"{Name}, {who}: RSS after epoch 1 {first:F1} MB, after epoch {epochs} {last:F1} MB, growth {(last - first) / (epochs - 1):F2} MB/epoch " +
            $"(largest at an epoch end {memory.Max(m => m.ResidentMb):F1} MB){extra}");
    }

    private sealed record EpochMemory(double ResidentMb, long Tensors, double ManagedMb);

    /// <summary>Calls back at every epoch end, on the training thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class EpochEndProgress(Action<int> atEpochEnd) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.IsEpochEnd)
            {
                atEpochEnd(value.Epoch);
            }
        }
    }
}
