using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Cli.Commands;
using Microsoft.ML.CamLoss.Cli.Data;
using Microsoft.ML.CamLoss.Cli.Output;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Training;
using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>
/// What <c>train</c> and <c>distill</c> share: the data, preprocessing, trainer and run-folder
/// options, and the run itself. Trains (or resumes) with the run folder as the checkpoint
/// directory, shows progress, stops cleanly on Ctrl+C (checkpoint written, exit code 130), saves
/// the model, evaluates it on the test split when the data has one (<c>evaluation.json</c>) and
/// writes <c>model.json</c>.
/// </summary>
internal sealed class TrainingSession
{
    private readonly DataOptions _data = new();
    private readonly PreprocessingOptions _preprocessing = new();
    private readonly TrainerOptions _trainer = new();
    private readonly RunOptions _run = new();

    /// <summary>Adds every shared option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        _data.AddTo(command);
        _run.AddTo(command);
        _trainer.AddTo(command);
        _preprocessing.AddTo(command);
    }

    /// <summary>Trains <paramref name="architecture"/> with the trainer <paramref name="createTrainer"/> makes from <paramref name="options"/>.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="context">Output streams and cancellation.</param>
    /// <param name="architecture">The network to train.</param>
    /// <param name="options">The trainer's options with its own settings made; the shared ones are filled in here.</param>
    /// <param name="createTrainer">Makes the trainer in a context (seeded, with the logger).</param>
    /// <returns>The exit code.</returns>
    public int Run(ParseResult parse, CliContext context, Architecture architecture, ImageClassificationTrainerOptions options, Func<CamLossContext, ImageClassificationTrainer> createTrainer)
    {
        var resume = _run.Resume(parse);
        if (resume && _run.Overwrite(parse))
        {
            throw new CliException("--resume and --overwrite exclude each other: continue the run, or start it again", ExitCodes.Usage);
        }

        _trainer.Apply(parse, options);
        options.Architecture = architecture;
        var source = _data.Open(parse);
        var loaderOptions = _data.LoaderOptions(parse);
        var train = source.Load(DataSplit.Train, loaderOptions);
        if (!_trainer.HasValidationFraction(parse) && source.LoadValidation(loaderOptions) is { } validation)
        {
            options.ValidationSet = validation;
        }

        var output = _run.Output(parse);
        var folder = _run.Folder(parse);
        folder.Prepare(resume, _run.Overwrite(parse));
        var seed = parse.GetValue(_trainer.Seed) ?? (resume ? folder.ReadSeed() : null) ?? Random.Shared.Next();
        if (!resume)
        {
            folder.WriteRunInfo(parse.CommandResult.Command.Name, parse.Tokens.Select(t => t.Value), seed);
        }

        options.CheckpointDirectory = folder.Folder;
        var ml = new CamLossContext(seed, new TextWriterLogger(context.Stderr, context.Verbose ? LogLevel.Information : LogLevel.Warning));
        var trainer = createTrainer(ml);
        var pipeline = _preprocessing.Build(parse, ml, architecture, source.IsGrayscale).Append(trainer);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        var console = Consoles.Create(context);
        console.WriteLine($"{(resume ? "Resuming" : "Training")} {trainer.Name} {architecture} on {train.Count} images of {train.Classes.Count} classes ({source.Description}: {source.Root})");
        console.WriteLine($"Run folder: {folder.Folder} (seed {seed})");
        context.CancellationToken.ThrowIfCancellationRequested();
        ITrainingDisplay display = context.Interactive ? new SpectreTrainingDisplay(console) : new LineTrainingDisplay(context.Stdout);
        ImageClassificationModel model;
        try
        {
            model = display.Run(progress => resume
                ? pipeline.Resume(folder.Checkpoint, train, progress, context.CancellationToken)
                : pipeline.Fit(train, progress, context.CancellationToken));
        }
        catch (OperationCanceledException e) when (context.CancellationToken.IsCancellationRequested)
        {
            context.Stderr.WriteLine($"{CamlossApp.Name} {parse.CommandResult.Command.Name}: stopped: {e.Message.TrimEnd('.')}; to continue, run the same command with --resume");
            return ExitCodes.Cancelled;
        }

        using (model)
        {
            model.Save(output);
            console.WriteLine($"Saved {output} ({model})");
            MulticlassClassificationMetrics? metrics = null;
            var testCount = 0;
            if (source.HasTestSplit)
            {
                var test = source.Load(DataSplit.Test, loaderOptions);
                testCount = test.Count;
                metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
                RunFolder.Write(folder.Evaluation, metrics.ToJson());
                MetricsWriter.Write(console, metrics, test.Count, $"Test split: {test.Count} images");
            }
            else
            {
                console.WriteLine($"No test split in {source.Root}: the model was not evaluated (camloss evaluate --model {output} --data DIR scores it on other data).");
            }

            RunFolder.Write(folder.ModelInfo, ModelInfo(model, output, source, train.Count, testCount, seed, folder, metrics));
        }

        return ExitCodes.Success;
    }

    private static JsonObject ModelInfo(
        ImageClassificationModel model, string output, DataSource source, int trainCount, int testCount, int seed, RunFolder folder, MulticlassClassificationMetrics? metrics) => new()
    {
        ["model"] = output,
        ["architecture"] = model.Architecture.ToString(),
        ["trainer"] = model.TrainerName,
        ["classes"] = new JsonArray([.. model.ClassNames.Select(c => JsonValue.Create(c))]),
        ["inputShape"] = new JsonArray([.. model.InputShape.Select(n => JsonValue.Create(n))]),
        ["preprocessing"] = model.Preprocessing.ToString(),
        ["data"] = source.Root,
        ["format"] = EnumNames.Of(source.Format),
        ["trainImages"] = trainCount,
        ["testImages"] = metrics is null ? null : testCount,
        ["epochs"] = model.History.Count,
        ["seed"] = seed,
        ["runFolder"] = folder.Folder,
        ["MicroAccuracy"] = metrics?.MicroAccuracy,
    };
}
