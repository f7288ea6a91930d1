using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.CamLoss.TrainingHost;

// Usage: TrainingHost <flowers12 dir> <checkpoint dir> [--resume] [--precision Fp32|Bf16|Fp16|Auto]
//        TrainingHost mlnet-score <model.zip> <image folder> <output.json>   (see MLNetScoring)
//        TrainingHost mlnet-train <image folder> <checkpoint dir> <scores.json> [--resume]   (see MLNetTraining)
//        TrainingHost threads <image folder> <threads> <workers>   (one tiny epoch; prints "done" or the error's one line, exit 1)
// Prints every log message on its own line (the test waits for "Checkpoint written") and "done" when it finishes;
// the run's checkpoint in <checkpoint dir> is then its model (ImageClassificationModel.FromCheckpoint).
if (args is ["mlnet-score", var modelPath, var imagesRoot, var outputPath])
{
    return MLNetScoring.Run(modelPath, imagesRoot, outputPath);
}

if (args is ["mlnet-train", var trainRoot, var runDirectory, var scoresPath, ..])
{
    return MLNetTraining.Run(trainRoot, runDirectory, scoresPath, args.Contains("--resume"));
}

if (args is ["threads", var imageFolder, var threads, var workers])
{
    try
    {
        var images = ImageFolder.Load(imageFolder);
        var trainer = new CrossEntropyImageClassificationTrainer(new CrossEntropyImageClassificationTrainer.Options
        {
            Architecture = Microsoft.ML.CamLoss.Models.Architecture.ResNet8, Epochs = 1, BatchSize = 4, Seed = 1,
            Threads = int.Parse(threads, System.Globalization.CultureInfo.InvariantCulture), DataLoaderWorkers = int.Parse(workers, System.Globalization.CultureInfo.InvariantCulture),
        });
        using var trained = trainer.Fit(images, new ImagePipeline().Resize(16, 16));
        Console.WriteLine("done");
        return 0;
    }
    catch (InvalidOperationException e)
    {
        Console.WriteLine(e.Message);
        return 1;
    }
}

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TrainingHost <flowers12 dir> <checkpoint dir> [--resume] [--precision Fp32|Bf16|Fp16|Auto]");
    return 2;
}

var precisionAt = Array.IndexOf(args, "--precision");
var precision = precisionAt >= 0 && precisionAt + 1 < args.Length ? Enum.Parse<TrainingPrecision>(args[precisionAt + 1], ignoreCase: true) : ResumeScenario.DefaultPrecision;
var scenario = ResumeScenario.Trainer(args[1], precision, new ConsoleLogger());
var data = ResumeScenario.Data(args[0]);
using var model = args.Contains("--resume") ? scenario.Resume(args[1], data, ResumeScenario.Preprocessing) : scenario.Fit(data, ResumeScenario.Preprocessing);
Console.WriteLine("done");
return 0;

/// <summary>Writes every message to standard output, flushed.</summary>
internal sealed class ConsoleLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Console.WriteLine(formatter(state, exception));
        Console.Out.Flush();
    }
}
