using System.Globalization;
using System.Text.Json;
using Microsoft.ML.CamLoss.Benchmarks.Plain;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// Peak resident memory of the ResNet-20 training step (32×32, batch 128, SGD momentum): a fresh
/// process that only loads libtorch, builds the model and runs the steps. Three sides: ours (this
/// program in child mode with our <see cref="CifarResNet"/>, <c>VmHWM</c>), the plain TorchSharp
/// network (<see cref="PlainCifarResNet"/>, same child mode) and the PyTorch twin
/// (Twins/memory_step.py, also <c>VmHWM</c>). Each side also reports its peak
/// before the model was built (runtime + libtorch loaded), so the table can show what the training
/// itself adds. Rounds alternate; medians.
/// </summary>
internal static class PeakMemory
{
    public const string Name = "ResNet20 train step peak memory (32x32, batch 128)";

    public const string ChildMode = "--child-peak-memory";

    private const int Batch = 128, Image = 32;

    public static void Report(int threads, int steps = 10, int rounds = 3)
    {
        var ours = new List<(double Baseline, double Peak)>();
        var plain = new List<(double Baseline, double Peak)>();
        var theirs = new List<(double Baseline, double Peak)>();
        for (var round = 0; round < rounds; round++)
        {
            ours.Add(Read(Twin.RunSelf($"{ChildMode} ours {threads} {steps}")));
            plain.Add(Read(Twin.RunSelf($"{ChildMode} plain {threads} {steps}")));
            theirs.Add(Read(Twin.RunPython("memory_step.py", $"--threads {threads} --warmup 0 --steps {steps} --batch {Batch} --image {Image}")));
        }

        var (oBase, oPeak) = Medians(ours);
        var (pBase, pPeak) = Medians(plain);
        var (tBase, tPeak) = Medians(theirs);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{Name}, {steps} steps: peak RSS ours {oPeak:F0} MB (runtime + libtorch {oBase:F0} MB, training adds {oPeak - oBase:F0} MB), " +
            $"plain TorchSharp {pPeak:F0} MB (training adds {pPeak - pBase:F0} MB), " +
            $"PyTorch {tPeak:F0} MB (python + torch {tBase:F0} MB, training adds {tPeak - tBase:F0} MB); " +
            $"ours / PyTorch = {oPeak / tPeak:F3} (peak), {(oPeak - oBase) / (tPeak - tBase):F3} (training's share); " +
            $"ours / plain TorchSharp = {oPeak / pPeak:F3} (peak), {(oPeak - oBase) / (pPeak - pBase):F3} (training's share)"));
    }

    /// <summary>The child process (<c>--child-peak-memory ours|plain THREADS STEPS</c>): the training step and nothing else, then one JSON line.</summary>
    public static int RunChild(string[] args)
    {
        var plain = args[1] switch
        {
            "ours" => false,
            "plain" => true,
            _ => throw new ArgumentException($"{ChildMode} takes 'ours' or 'plain', not '{args[1]}'"),
        };
        torch.set_num_threads(int.Parse(args[2], CultureInfo.InvariantCulture));   // loads libtorch
        var steps = int.Parse(args[3], CultureInfo.InvariantCulture);
        var baseline = ProcessMemory.PeakResidentMb;
        torch.manual_seed(0);
        using (var runner = plain ? PlainRunner() : OurRunner())
        {
            for (var i = 0; i < steps; i++)
            {
                runner.Step();
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(new { baseline_mb = baseline, peak_mb = ProcessMemory.PeakResidentMb }));
        return 0;
    }

    private static TrainRunner OurRunner()
    {
        var model = new CifarResNet(20);
        return new TrainRunner(model, x => model.forward(x).Logits, Batch, Image);
    }

    private static TrainRunner PlainRunner()
    {
        var model = new PlainCifarResNet(20);
        return new TrainRunner(model, model.forward, Batch, Image);
    }

    private static (double Baseline, double Peak) Medians(List<(double Baseline, double Peak)> runs) =>
        (Twin.Median(runs.Select(r => r.Baseline)), Twin.Median(runs.Select(r => r.Peak)));

    private static (double Baseline, double Peak) Read(JsonElement result) =>
        (result.GetProperty("baseline_mb").GetDouble(), result.GetProperty("peak_mb").GetDouble());
}
