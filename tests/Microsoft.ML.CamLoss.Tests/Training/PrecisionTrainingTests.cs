using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>
/// <see cref="ImageClassificationTrainerOptions.Precision"/> through the public API, on data the tests make: what Auto
/// picks (the CPU's capability forced on and off), that the progress reports, the run log, the logger and the checkpoint
/// say it, the warning for bf16 on a CPU without it, fp16's loss scale, and fp32 weights whatever the precision.
/// </summary>
[TestClass]
public sealed class PrecisionTrainingTests
{
    private string _directory = string.Empty;

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("camloss-precision-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    public void Fit_AutoOnACpuWithoutBf16_TrainsInFp32AndSaysSo()
    {
        using var cpu = HardwareSupport.Force(PrecisionChoiceTests.Cpu());
        var run = Train(TrainingPrecision.Auto);

        Assert.IsTrue(run.Reports.All(r => r.Precision == TrainingPrecision.Fp32));
        StringAssert.Contains(run.Reports[^1].ToString(), " img/s fp32 ETA ");
        Assert.IsTrue(run.LogLines.All(l => l["precision"]!.GetValue<string>() == "fp32"));
        Assert.IsTrue(run.Log.Messages.Any(m => m.Level == LogLevel.Information && m.Text.Contains("in fp32 (auto: the CPU has neither avx512_bf16 nor amx_bf16)", StringComparison.Ordinal)), run.Log.ToString());
        Assert.IsFalse(run.Log.Messages.Any(m => m.Level >= LogLevel.Warning), run.Log.ToString());
    }

    [TestMethod]
    public void Fit_AutoOnACpuWithBf16_TrainsInBf16KeepingFp32Weights()
    {
        using var cpu = HardwareSupport.Force(PrecisionChoiceTests.Cpu("avx512_bf16"));
        var run = Train(TrainingPrecision.Auto);

        Assert.IsTrue(run.Reports.All(r => r.Precision == TrainingPrecision.Bf16 && r.LossScale is null));
        StringAssert.Contains(run.Reports[^1].ToString(), " img/s bf16 ETA ");
        Assert.IsTrue(run.LogLines.All(l => l["precision"]!.GetValue<string>() == "bf16" && l["lossScale"] is null));
        Assert.IsTrue(run.Log.Messages.Any(m => m.Text.Contains("in bf16 (auto: the CPU has avx512_bf16)", StringComparison.Ordinal)), run.Log.ToString());
        using (var checkpoint = ModelArchive.Open(Path.Combine(_directory, "run", ImageClassificationTrainer.CheckpointFileName), ModelArchive.CheckpointKind))
        {
            Assert.AreEqual("bf16", checkpoint.Manifest["precision"]!["precision"]!.GetValue<string>());
        }

        using var model = run.Model;
        Assert.IsTrue(model.Network.state_dict().Values.All(t => t.dtype is torch.ScalarType.Float32 or torch.ScalarType.Int64), "master weights and saved models are fp32");
        Assert.IsTrue(model.Network.parameters().All(p => p.isfinite().all().item<bool>()));
    }

    [TestMethod]
    public void Fit_Bf16OnACpuWithoutBf16_WarnsOfTheSlowdownAndTrains()
    {
        using var cpu = HardwareSupport.Force(PrecisionChoiceTests.Cpu());
        var run = Train(TrainingPrecision.Bf16);

        var warning = run.Log.Messages.Single(m => m.Level == LogLevel.Warning);
        StringAssert.Contains(warning.Text, "Precision = Bf16 was requested, but the CPU has neither avx512_bf16 nor amx_bf16");
        StringAssert.Contains(warning.Text, "usually slower than float32");
        Assert.IsTrue(run.Reports.All(r => r.Precision == TrainingPrecision.Bf16));
        run.Model.Dispose();
    }

    [TestMethod]
    public void Fit_Fp16_ScalesTheLossAndReportsTheScale()
    {
        var run = Train(TrainingPrecision.Fp16);

        Assert.IsTrue(run.Reports.All(r => r.Precision == TrainingPrecision.Fp16 && r.LossScale is > 0));
        StringAssert.Contains(run.Reports[^1].ToString(), "fp16 (loss scale ");
        Assert.IsTrue(run.LogLines.All(l => l["lossScale"]!.GetValue<double>() > 0));
        Assert.IsTrue(run.Model.Network.parameters().All(p => p.isfinite().all().item<bool>()));
        run.Model.Dispose();
    }

    [TestMethod]
    public void Options_UndefinedPrecision_ThrowsNamingTheOption()
    {
        var data = TinyImages.Create(_directory, count: 8, size: 8, classes: 2);
        var trainer = new CrossEntropyImageClassificationTrainer(new() { Architecture = Architecture.ResNet8, Precision = (TrainingPrecision)7, Seed = 1 });
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(data, new ImagePipeline()));
        StringAssert.Contains(error.Message, "Precision must be Auto, Fp32, Bf16 or Fp16");
    }

    private TrainedRun Train(TrainingPrecision precision)
    {
        var log = new CapturingLogger();
        var data = TinyImages.Create(Directory.CreateDirectory(Path.Combine(_directory, "data")).FullName, count: 24, size: 12, classes: 3);
        var reports = new List<TrainingProgress>();
        var trainer = new CamLossImageClassificationTrainer(new()
        {
            Architecture = Architecture.ResNet8, Epochs = 2, BatchSize = 8, LearningRate = 0.05, CamLossStartEpoch = 0, Precision = precision,
            Threads = 1, DataLoaderWorkers = 0, ProgressInterval = 1, CheckpointDirectory = Path.Combine(_directory, "run"), Seed = 2, Logger = log,
        });
        var model = trainer.Fit(data, new ImagePipeline(), new SynchronousProgress<TrainingProgress>(reports.Add));
        var lines = File.ReadAllLines(Path.Combine(_directory, "run", RunLog.FileName)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        return new TrainedRun(model, reports, lines, log);
    }

    private sealed record TrainedRun(ImageClassificationModel Model, List<TrainingProgress> Reports, List<JsonObject> LogLines, CapturingLogger Log);
}

/// <summary>Keeps every message logged at Information or above.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Text)> _messages = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            lock (_messages)
            {
                _messages.Add((logLevel, formatter(state, exception)));
            }
        }
    }

    public override string ToString() => string.Join('\n', Messages.Select(m => $"{m.Level}: {m.Text}"));
}
