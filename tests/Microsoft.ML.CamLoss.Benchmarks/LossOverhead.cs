using System.Diagnostics;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// What CAM-loss and ICASC add to a ResNet-20 training step (batch 128, 32×32): steps of cross-entropy
/// alone, CE + CAM-loss and ICASC are interleaved (CE, CAM, ICASC, CE, …) on one model so that
/// machine noise hits all alike; medians over the steps of each kind.
/// </summary>
internal static class LossOverhead
{
    public static void Report(int steps = 60, int warmup = 5)
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

        var medians = times.Select(t => t.Order().ElementAt(t.Count / 2)).ToArray();
        Console.WriteLine($"ResNet20 train step (batch 128), {steps} interleaved steps each: CE {medians[0]:F1} ms, CE+CAM-loss {medians[1]:F1} ms (x{medians[1] / medians[0]:F3}), ICASC {medians[2]:F1} ms (x{medians[2] / medians[0]:F3})");
    }
}
