using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.CamLoss.Benchmarks.Plain;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// What CAM-loss and ICASC add to a ResNet-20 training step (batch 128, 32×32): ours (our
/// <see cref="CifarResNet"/> with <see cref="CamLossFunction"/> and <see cref="IcascLoss"/>) vs the
/// same written as a plain TorchSharp loop (<see cref="PlainCifarResNet"/>, <see cref="PlainLosses"/>)
/// vs PyTorch (Twins/loss_step.py). Within a run, steps of cross-entropy alone, CE + CAM-loss and
/// ICASC are interleaved (CE, CAM, ICASC, CE, …) on one model so that machine noise hits all kinds
/// alike; runs of the three sides alternate over rounds; medians. Each side's loss steps are also
/// reported against its own cross-entropy step: the goal for ours is a CAM-loss step at most
/// <see cref="CamLossGoal"/> × our cross-entropy step.
/// </summary>
internal static class LossOverhead
{
    public const string Name = "loss overhead";

    /// <summary>The goal: our CE + CAM-loss step over our cross-entropy step.</summary>
    public const double CamLossGoal = 1.02;

    private const int Batch = 128, Image = 32, Classes = 10;

    private static readonly string[] Kinds = ["cross-entropy", "CE + CAM-loss", "ICASC"];

    public static void Report(int threads, int rounds = 3, int steps = 30, int warmup = 5)
    {
        var ours = Kinds.Select(_ => new List<double>()).ToArray();
        var plain = Kinds.Select(_ => new List<double>()).ToArray();
        var theirs = Kinds.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            var csharp = RunOurs(steps, warmup);
            var engine = RunPlain(steps, warmup);
            var twin = Twin.RunPython("loss_step.py", $"--threads {threads} --warmup {warmup} --steps {steps} --batch {Batch}");
            var python = new[] { twin.GetProperty("ce_ms").GetDouble(), twin.GetProperty("cam_ms").GetDouble(), twin.GetProperty("icasc_ms").GetDouble() };
            for (var k = 0; k < Kinds.Length; k++)
            {
                ours[k].Add(csharp[k]);
                plain[k].Add(engine[k]);
                theirs[k].Add(python[k]);
            }
        }

        var (o, p, t) = (ours.Select(Twin.Median).ToArray(), plain.Select(Twin.Median).ToArray(), theirs.Select(Twin.Median).ToArray());
        for (var k = 0; k < Kinds.Length; k++)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ResNet20 train step ({Image}x{Image}, batch {Batch}) with {Kinds[k]}: ours {o[k]:F1} ms (x{o[k] / o[0]:F3} of its CE step), " +
                $"plain TorchSharp {p[k]:F1} ms (x{p[k] / p[0]:F3}), PyTorch {t[k]:F1} ms (x{t[k] / t[0]:F3}); " +
                $"our throughput = {t[k] / o[k]:F3} x PyTorch's, {p[k] / o[k]:F3} x plain TorchSharp's"));
        }

        var camOverCe = o[1] / o[0];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Our CE + CAM-loss step / our CE step = {camOverCe:F3} (goal <= {CamLossGoal:F2}: {(camOverCe <= CamLossGoal ? "met" : "NOT met")})"));
    }

    /// <summary>Median ms per step of each kind with our network and losses, interleaved on one model.</summary>
    private static double[] RunOurs(int steps, int warmup)
    {
        manual_seed(0);
        using var model = new CifarResNet(20, Classes);
        using var x = randn([Batch, 3, Image, Image]);
        using var y = randint(0, Classes, [Batch], ScalarType.Int64);
        var camLoss = new CamLossFunction();
        var icasc = new IcascLoss();
        Func<BackboneOutput, Tensor>[] losses =
        [
            o => nn.functional.cross_entropy(o.Logits, y),
            o => camLoss.Compute(o.Last, model.Classifier.weight, o.Logits, y, alpha: 3).Total,
            o => icasc.Compute(o.Logits, o.Inner, o.Last, y).Total,
        ];
        return Interleaved(model, [.. losses.Select(loss => (Func<Tensor>)(() => loss(model.forward(x))))], steps, warmup);
    }

    /// <summary>Median ms per step of each kind with the plain TorchSharp network and losses, interleaved on one model.</summary>
    private static double[] RunPlain(int steps, int warmup)
    {
        manual_seed(0);
        using var model = new PlainCifarResNet(20, Classes);
        using var x = randn([Batch, 3, Image, Image]);
        using var y = randint(0, Classes, [Batch], ScalarType.Int64);
        Func<(Tensor Logits, Tensor Inner, Tensor Last), Tensor>[] losses =
        [
            o => PlainLosses.CrossEntropy(o.Logits, y),
            o => PlainLosses.CamLoss(o.Logits, o.Last, model.Head.weight, y),
            o => PlainLosses.Icasc(o.Logits, o.Inner, o.Last, y),
        ];
        return Interleaved(model, [.. losses.Select(loss => (Func<Tensor>)(() => loss(model.Taps(x))))], steps, warmup);
    }

    /// <summary>
    /// Runs <paramref name="warmup"/> + <paramref name="steps"/> rounds of one step per loss (zero the
    /// gradients, forward and loss, backward, SGD step; a dispose scope per step) and returns each loss's median ms.
    /// </summary>
    private static double[] Interleaved(nn.Module model, Func<Tensor>[] forwardAndLoss, int steps, int warmup)
    {
        model.train();
        using var sgd = optim.SGD(model.parameters(), 0.01, momentum: 0.9, weight_decay: 5e-4);
        var times = forwardAndLoss.Select(_ => new List<double>(steps)).ToArray();
        for (var i = 0; i < warmup + steps; i++)
        {
            for (var k = 0; k < forwardAndLoss.Length; k++)
            {
                var start = Stopwatch.GetTimestamp();
                using (var scope = NewDisposeScope())
                {
                    model.zero_grad();
                    forwardAndLoss[k]().backward();
                    sgd.step();
                }

                if (i >= warmup)
                {
                    times[k].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }

        return [.. times.Select(Twin.Median)];
    }
}
