// Benchmarks: each case runs our C# step and PyTorch's twin script (Twins/) on the same machine,
// same libtorch, same threads and shapes, in one invocation, and prints the throughput ratio.
// Rounds alternate C# and Python so that machine noise hits both alike.
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Benchmarks [-- --rounds 5]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.CamLoss.Benchmarks;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.ML.CamLoss.Torch.Tests;

var rounds = args.Length > 1 && args[0] == "--rounds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var threads = Environment.ProcessorCount;
TorchRuntime.NumThreads = threads;
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, libtorch {TorchRuntime.TorchVersion}, {threads} threads, {rounds} rounds");

var cases = new[]
{
    new TrainStepCase("SmallCnn train step (C=8, 8x8, batch 4)", Channels: 8, Image: 8, Batch: 4, Warmup: 50, Steps: 400),
    new TrainStepCase("SmallCnn train step (C=32, 32x32, batch 64)", Channels: 32, Image: 32, Batch: 64, Warmup: 10, Steps: 60),
};

foreach (var c in cases)
{
    var ours = new List<double>();
    var theirs = new List<double>();
    for (var round = 0; round < rounds; round++)
    {
        ours.Add(c.RunCSharp());
        theirs.Add(c.RunPyTorch(threads));
    }

    var (o, t) = (Median(ours), Median(theirs));
    Console.WriteLine($"{c.Name}: C# {o:F3} ms/step, PyTorch {t:F3} ms/step, C# throughput = {t / o:F3} x PyTorch's");
}

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

namespace Microsoft.ML.CamLoss.Benchmarks
{
    /// <summary>One SmallCnn training step (zero grad, forward, cross-entropy, backward, SGD momentum) timed both ways.</summary>
    internal sealed record TrainStepCase(string Name, int Channels, int Image, int Batch, int Warmup, int Steps)
    {
        /// <summary>Median milliseconds per step of the C# loop.</summary>
        public double RunCSharp()
        {
            TorchRuntime.ManualSeed(0);
            using var model = new SmallCnn(Channels, Image);
            using var sgd = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01, Momentum = 0.9, WeightDecay = 5e-4 });
            using var x = Tensor.Randn([Batch, 3, Image, Image]);
            using var y = Tensor.RandInt(0, 10, [Batch]);
            for (var i = 0; i < Warmup; i++)
            {
                Step(model, sgd, x, y);
            }

            var times = new double[Steps];
            for (var i = 0; i < Steps; i++)
            {
                var start = Stopwatch.GetTimestamp();
                Step(model, sgd, x, y);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            Array.Sort(times);
            return times[Steps / 2];
        }

        /// <summary>Median milliseconds per step of the PyTorch twin (Debian's python3-torch).</summary>
        public double RunPyTorch(int threads)
        {
            var script = Path.Combine(AppContext.BaseDirectory, "Twins", "train_step.py");
            var info = new ProcessStartInfo("/usr/bin/python3", $"{script} --batch {Batch} --channels {Channels} --image {Image} --threads {threads} --warmup {Warmup} --steps {Steps}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start python3");
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"PyTorch twin failed (is python3-torch installed?): {error}");
            }

            return JsonDocument.Parse(output).RootElement.GetProperty("median_ms").GetDouble();
        }

        private static void Step(SmallCnn model, Sgd sgd, Tensor x, Tensor y)
        {
            using var scope = new TensorScope();
            sgd.ZeroGrad();
            Functional.CrossEntropy(model.Forward(x), y).Backward();
            sgd.Step();
        }
    }
}
