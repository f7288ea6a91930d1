// Benchmarks: each case runs our C# step (the library's layers on TorchSharp), the same model as a
// plain TorchSharp loop (what the engine costs without our layers; where the case has one) and PyTorch's
// twin script (Twins/), on the same machine, same threads and shapes, in one invocation, and prints
// the throughput ratios. Rounds alternate the sides so that machine noise hits all alike.
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Benchmarks [-- case-name-filter [--threads N]]
// --threads (default: one per core) sets the intra-op threads on every side. On a machine shared with
// other work, 1 thread gives steadier ratios: with more threads than the cores free, every
// parallel region waits for a descheduled thread, and all sides slow down many times over.
// --smoke (mixed precision only): one round of one step per side, to check that every side runs, not to time it.
using System.Globalization;
using Microsoft.ML.CamLoss.Benchmarks;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;

if (args.FirstOrDefault() == PeakMemory.ChildMode)
{
    return PeakMemory.RunChild(args);   // a fresh process for one measurement (see PeakMemory)
}

var threadsAt = Array.IndexOf(args, "--threads");
var threads = threadsAt >= 0 && threadsAt + 1 < args.Length ? int.Parse(args[threadsAt + 1], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
var filter = threadsAt == 0 ? string.Empty : args.FirstOrDefault() ?? string.Empty;
torch.set_num_threads(threads);
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {EngineVersions.Describe()}, {Twin.PyTorchVersion()}, {threads} threads");

BenchmarkCase[] cases =
[
    new SmallCnnTrainCase(channels: 8, image: 8, batch: 4, warmup: 50, steps: 400, rounds: 5),
    new SmallCnnTrainCase(channels: 32, image: 32, batch: 64, warmup: 10, steps: 60, rounds: 5),
    new BackboneCase(Architecture.ResNet20, "resnet20", train: true, image: 32, batch: 128, warmup: 3, steps: 15, rounds: 3),
    new BackboneCase(Architecture.ResNet20, "resnet20", train: false, image: 32, batch: 500, warmup: 2, steps: 10, rounds: 3),
    new BackboneCase(Architecture.ResNet18, "resnet18", train: true, image: 224, batch: 32, warmup: 1, steps: 4, rounds: 3),
    new OnnxScoringCase(Architecture.ResNet20, "resnet20", image: 32, batch: 500, warmup: 2, steps: 10, rounds: 3, threads),
    new OnnxScoringCase(Architecture.ResNet20, "resnet20", image: 32, batch: 1, warmup: 20, steps: 200, rounds: 3, threads),
    new OnnxScoringCase(Architecture.ResNet18, "resnet18", image: 224, batch: 32, warmup: 1, steps: 5, rounds: 3, threads),
    new OnnxScoringCase(Architecture.ResNet18, "resnet18", image: 224, batch: 1, warmup: 5, steps: 40, rounds: 3, threads),
];

foreach (var benchmark in cases.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
{
    benchmark.Report(threads);
}

if (LossOverhead.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
{
    LossOverhead.Report(threads);
}

if ("cub loader".Contains(filter, StringComparison.OrdinalIgnoreCase))
{
    LoaderThroughput.Report(threads, workers: LoaderThroughput.Workers);
}

if (PeakMemory.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
{
    PeakMemory.Report(threads);
}

if (LeakCheck.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
{
    LeakCheck.Report(threads);
}

if (MixedPrecisionSpeed.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
{
    MixedPrecisionSpeed.Report(threads, smoke: args.Contains("--smoke"));
}

if (ImageNetFineTuneThroughput.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
{
    ImageNetFineTuneThroughput.Report(threads);
}

if (EvaluationThroughput.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
{
    EvaluationThroughput.Report(threads, workers: Math.Min(Environment.ProcessorCount, 4));
}

return 0;
