using System.Diagnostics;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// What CAM-loss and ICASC add to a ResNet-20 training step (batch 128, 32×32), ours vs PyTorch's
/// (Twins/loss_step.py): within a run, steps of cross-entropy alone, CE + CAM-loss and ICASC are
/// interleaved (CE, CAM, ICASC, CE, …) on one model so that machine noise hits all alike; runs of C#
/// and the twin alternate over rounds; medians.
/// </summary>
internal static class LossOverhead
{
    public const string Name = "loss overhead";

    private static readonly string[] Kinds = ["cross-entropy", "CE + CAM-loss", "ICASC"];

    public static void Report(int threads, int rounds = 3, int steps = 30, int warmup = 5)
    {
        var ours = Kinds.Select(_ => new List<double>()).ToArray();
        var theirs = Kinds.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            var csharp = RunCSharp(steps, warmup);
            var twin = Twin.RunPython("loss_step.py", $"--threads {threads} --warmup {warmup} --steps {steps}");
            var python = new[] { twin.GetProperty("ce_ms").GetDouble(), twin.GetProperty("cam_ms").GetDouble(), twin.GetProperty("icasc_ms").GetDouble() };
            for (var k = 0; k < Kinds.Length; k++)
            {
                ours[k].Add(csharp[k]);
                theirs[k].Add(python[k]);
            }
        }

        var (o, t) = (ours.Select(Twin.Median).ToArray(), theirs.Select(Twin.Median).ToArray());
        for (var k = 0; k < Kinds.Length; k++)
        {
            Console.WriteLine(
                $"ResNet20 train step (batch 128) with {Kinds[k]}: C# {o[k]:F1} ms (x{o[k] / o[0]:F3} of CE), " +
                $"PyTorch {t[k]:F1} ms (x{t[k] / t[0]:F3} of CE), C# throughput = {t[k] / o[k]:F3} x PyTorch's");
        }
    }

    /// <summary>Median ms per step of each kind, interleaved on one model.</summary>
    private static double[] RunCSharp(int steps, int warmup)
    {
        TorchRuntime.ManualSeed(0);
        using var model = new CifarResNet(20);
        using var sgd = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01, Momentum = 0.9, WeightDecay = 5e-4 });
        using var x = Tensor.Randn([128, 3, 32, 32]);
        using var y = Tensor.RandInt(0, 10, [128]);
        var camLoss = new CamLossFunction();
        var icasc = new IcascLoss();
        Func<BackboneOutput, Tensor>[] losses =
        [
            o => Functional.CrossEntropy(o.Logits, y),
            o => camLoss.Compute(o.Last, model.Classifier.Weight, o.Logits, y, alpha: 3).Total,
            o => icasc.Compute(o.Logits, o.Inner, o.Last, y).Total,
        ];
        var times = losses.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < warmup + steps; i++)
        {
            for (var k = 0; k < losses.Length; k++)
            {
                var start = Stopwatch.GetTimestamp();
                using (var scope = new TensorScope())
                {
                    sgd.ZeroGrad();
                    using var output = model.Forward(x);
                    losses[k](output).Backward();
                    sgd.Step();
                }

                if (i >= warmup)
                {
                    times[k].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }

        return times.Select(Twin.Median).ToArray();
    }
}
