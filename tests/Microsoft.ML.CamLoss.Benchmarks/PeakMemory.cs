using System.Text.Json;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// Peak resident memory of the ResNet-20 training step (32×32, batch 128, SGD momentum): a fresh
/// process that only loads libtorch, builds the model and runs the steps, ours (this program in
/// child mode, <c>VmHWM</c>) vs the PyTorch twin (Twins/memory_step.py,
/// <c>getrusage(RUSAGE_SELF).ru_maxrss</c>). Each side also reports its peak before the model
/// was built (runtime + libtorch loaded), so the table can show what the training itself adds.
/// Rounds alternate; medians.
/// </summary>
internal static class PeakMemory
{
    public const string Name = "ResNet20 train step peak memory (32x32, batch 128)";

    public const string ChildMode = "--child-peak-memory";

    private const int Batch = 128, Image = 32;

    public static void Report(int threads, int steps = 10, int rounds = 3)
    {
        var ours = new List<(double Baseline, double Peak)>();
        var theirs = new List<(double Baseline, double Peak)>();
        for (var round = 0; round < rounds; round++)
        {
            ours.Add(Read(Twin.RunSelf($"{ChildMode} {threads} {steps}")));
            theirs.Add(Read(Twin.RunPython("memory_step.py", $"--threads {threads} --warmup 0 --steps {steps} --batch {Batch} --image {Image}")));
        }

        var (oBase, oPeak) = (Twin.Median(ours.Select(o => o.Baseline)), Twin.Median(ours.Select(o => o.Peak)));
        var (tBase, tPeak) = (Twin.Median(theirs.Select(t => t.Baseline)), Twin.Median(theirs.Select(t => t.Peak)));
        Console.WriteLine(
            $"{Name}, {steps} steps: peak RSS C# {oPeak:F0} MB (runtime + libtorch {oBase:F0} MB, training adds {oPeak - oBase:F0} MB), " +
            $"PyTorch {tPeak:F0} MB (python + torch {tBase:F0} MB, training adds {tPeak - tBase:F0} MB); " +
            $"C# / PyTorch = {oPeak / tPeak:F3} (peak), {(oPeak - oBase) / (tPeak - tBase):F3} (training's share)");
    }

    /// <summary>The child process: the training step and nothing else, then one JSON line.</summary>
    public static int RunChild(string[] args)
    {
        TorchRuntime.NumThreads = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);   // loads libtorch
        var steps = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var baseline = ProcessMemory.PeakResidentMb;
        TorchRuntime.ManualSeed(0);
        using (var runner = new TrainRunner<BackboneOutput>(Backbones.Create(Architecture.ResNet20, 10), Batch, Image, m => x => m.Forward(x).Logits))
        {
            for (var i = 0; i < steps; i++)
            {
                runner.Step();
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(new { baseline_mb = baseline, peak_mb = ProcessMemory.PeakResidentMb }));
        return 0;
    }

    private static (double Baseline, double Peak) Read(JsonElement result) =>
        (result.GetProperty("baseline_mb").GetDouble(), result.GetProperty("peak_mb").GetDouble());
}
