using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// Issue 18, "Must show 1": training steps of ResNet-20 (32×32, batch 128) and torchvision's ResNet-18 (224×224,
/// batch 32), with cross-entropy and with CE + CAM-loss (α 3), in four ways: ours in fp32, ours in bf16 (the
/// trainers' step: our backbone under <see cref="MixedPrecision"/>, the loss in float32), PyTorch 1.13 in fp32 and
/// PyTorch under bf16 autocast (Twins/mixed_precision_step.py), plus PyTorch's bf16 autocast with channels-last,
/// the fastest PyTorch form, for reference. SGD (lr 0.01, momentum 0.9, weight decay 5e-4), gradients cleared to
/// none, a fixed random batch. Each round runs every side once (ours fp32, ours bf16, then the PyTorch ones); a
/// side's figure is the median over rounds of its median step. Goals: our bf16 step ≥ 1.8 × PyTorch fp32's
/// throughput and ≥ 0.95 × PyTorch bf16 autocast's.
/// </summary>
internal static class MixedPrecisionSpeed
{
    public const string Name = "mixed precision";

    private const int Classes = 10;

    private static readonly (Architecture Architecture, string Twin, int Image, int Batch, int Warmup, int Steps)[] Networks =
    [
        (Architecture.ResNet20, "resnet20", 32, 128, 3, 12),
        (Architecture.ResNet18, "resnet18", 224, 32, 1, 4),
    ];

    private static readonly string[] TwinPrecisions = ["fp32", "bf16", "bf16-channels-last"];

    /// <summary>Prints one line per network and loss; <paramref name="smoke"/>: one round of one step per side (checks that every side runs; not a timing).</summary>
    public static void Report(int threads, int rounds = 3, bool smoke = false)
    {
        rounds = smoke ? 1 : rounds;
        foreach (var configured in Networks)
        {
            var network = smoke ? configured with { Warmup = 0, Steps = 1 } : configured;
            foreach (var cam in new[] { false, true })
            {
                var sides = new List<double>[2 + TwinPrecisions.Length];
                for (var i = 0; i < sides.Length; i++)
                {
                    sides[i] = [];
                }

                for (var round = 0; round < rounds; round++)
                {
                    sides[0].Add(RunOurs(network.Architecture, network.Image, network.Batch, cam, null, network.Warmup, network.Steps));
                    sides[1].Add(RunOurs(network.Architecture, network.Image, network.Batch, cam, ScalarType.BFloat16, network.Warmup, network.Steps));
                    for (var t = 0; t < TwinPrecisions.Length; t++)
                    {
                        sides[2 + t].Add(Twin.RunPython(
                            "mixed_precision_step.py",
                            $"--arch {network.Twin} --loss {(cam ? "cam" : "ce")} --precision {TwinPrecisions[t]} --batch {network.Batch} --image {network.Image} " +
                            $"--threads {threads} --warmup {network.Warmup} --steps {network.Steps}").GetProperty("median_ms").GetDouble());
                    }
                }

                var m = sides.Select(Twin.Median).ToArray();
                var (fp32, bf16, torchFp32, torchBf16, torchChannelsLast) = (m[0], m[1], m[2], m[3], m[4]);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{network.Architecture} train step ({network.Image}x{network.Image}, batch {network.Batch}, {(cam ? "CE + CAM-loss" : "cross-entropy")}): " +
                    $"ours fp32 {fp32:F1} ms, ours bf16 {bf16:F1} ms, PyTorch fp32 {torchFp32:F1} ms, PyTorch bf16 autocast {torchBf16:F1} ms " +
                    $"(channels-last {torchChannelsLast:F1} ms); our bf16 throughput = {torchFp32 / bf16:F2} x PyTorch fp32's (goal >= 1.8: {Goal(torchFp32 / bf16 >= 1.8)}), " +
                    $"{torchBf16 / bf16:F2} x PyTorch bf16 autocast's (goal >= 0.95: {Goal(torchBf16 / bf16 >= 0.95)}), {torchChannelsLast / bf16:F2} x its channels-last form's, " +
                    $"{fp32 / bf16:F2} x our fp32's"));
            }
        }
    }

    private static string Goal(bool met) => met ? "met" : "NOT met";

    /// <summary>Median ms of <paramref name="steps"/> steps of our backbone with our loss, after <paramref name="warmup"/>.</summary>
    private static double RunOurs(Architecture architecture, int image, int batch, bool cam, ScalarType? computeType, int warmup, int steps)
    {
        manual_seed(0);
        using var model = Backbones.Create(architecture, Classes);
        using var x = randn([batch, 3, image, image]);
        using var y = randint(0, Classes, [batch], ScalarType.Int64);
        model.train();
        var parameters = model.parameters().ToArray();
        using var sgd = optim.SGD(parameters, 0.01, momentum: 0.9, weight_decay: 5e-4);
        var camLoss = new CamLossFunction();
        var times = new List<double>(steps);
        for (var i = 0; i < warmup + steps; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using (var scope = NewDisposeScope())
            {
                foreach (var parameter in parameters)
                {
                    parameter.grad = null;
                }

                Tensor loss;
                using (computeType is { } type ? MixedPrecision.Enter(type) : null)
                {
                    var output = model.forward(x);
                    loss = cam ? camLoss.Compute(output.Last, model.Classifier.weight, output.Logits, y, alpha: 3).Total : nn.functional.cross_entropy(output.Logits, y);
                }

                loss.backward();
                sgd.step();
            }

            if (i >= warmup)
            {
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        return Twin.Median(times);
    }
}
