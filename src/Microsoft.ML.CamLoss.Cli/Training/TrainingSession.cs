using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Cli.Commands;
using Microsoft.ML.CamLoss.Cli.Data;
using Microsoft.ML.CamLoss.Cli.Output;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>
/// What <c>train</c> and <c>distill</c> share: the data, preprocessing, trainer and run-folder
/// options, and the run itself. Trains (or resumes) with the run folder as the checkpoint
/// directory, shows progress, stops cleanly on Ctrl+C (checkpoint written, exit code 130), saves
/// the model as the ML.NET zip <c>--output</c> names (the run folder's checkpoint keeps the network for export,
/// distillation and resuming), evaluates it on the test split when the data has one (<c>evaluation.json</c>) and
/// writes <c>model.json</c>. <see cref="Train"/> alone serves commands that train on other images
/// and score the model their own way (<c>fewshot</c>).
/// </summary>
/// <param name="outputRequired">Whether <c>--output</c> is a required option (false: <see cref="Train"/> checks it is given).</param>
internal sealed class TrainingSession(bool outputRequired = true)
{
    private readonly DataOptions _data = new();
    private readonly PreprocessingOptions _preprocessing = new();
    private readonly TrainerOptions _trainer = new();
    private readonly RunOptions _run = new(outputRequired);

    /// <summary>The <c>--seed</c> option.</summary>
    public Option<int?> Seed => _trainer.Seed;

    /// <summary>The <c>--threads</c> option.</summary>
    public Option<int?> Threads => _trainer.Threads;

    /// <summary>The data set the command line names (<c>--data</c>, <c>--format</c>).</summary>
    public DataSource OpenData(ParseResult parse) => _data.Open(parse);

    /// <summary>The loader options the command line asks for (<c>--skip-invalid-images</c>).</summary>
    public ImageDatasetOptions LoaderOptions(ParseResult parse) => _data.LoaderOptions(parse);

    /// <summary>Adds every shared option to <paramref name="command"/>.</summary>
    public void AddTo(System.CommandLine.Command command)
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
    /// <param name="createTrainer">Makes the trainer from <paramref name="options"/> (called once the seed, logger and checkpoint directory are set in them).</param>
    /// <returns>The exit code.</returns>
    public int Run(ParseResult parse, CliContext context, Architecture architecture, ImageClassificationTrainerOptions options, Func<ImageClassificationTrainer> createTrainer)
    {
        var run = Train(parse, context, architecture, options, createTrainer, LoadTrainCheckingTest, useValidationFolder: true);
        if (run is null)
        {
            return ExitCodes.Cancelled;
        }

        using (run)
        {
            Microsoft.ML.Data.MulticlassClassificationMetrics? metrics = null;
            var testCount = 0;
            if (run.Source.HasTestSplit)
            {
                var test = run.Source.Load(DataSplit.Test, run.LoaderOptions);
                var scored = run.Model.Transform(test);
                metrics = scored.Evaluate();
                testCount = (int)MulticlassEvaluation.Count(metrics);   // the confusion matrix's total: images skipped while scoring are not in it
                var evaluation = MulticlassEvaluation.ToJson(metrics, scored.ClassNames);
                evaluation["SkippedImages"] = SkipReporting.ToJson(test.SkipReport);
                RunFolder.Write(run.Folder.Evaluation, evaluation);
                MetricsWriter.Write(run.Console, metrics, $"Test split: {testCount} images");
                SkipReporting.Write(run.Console, "test", test.SkipReport, "the run folder's evaluation.json");
            }
            else
            {
                run.Console.WriteLine($"No test split in {run.Source.Root}: the model was not evaluated (camloss evaluate --model {run.ModelPath} --data DIR scores it on other data).");
            }

            SkipReporting.Write(run.Console, "training", run.TrainSkips, "the run folder's model.json");
            var info = ModelInfo(run, testCount, metrics);
            WriteConsumptionProject(run, info);
            RunFolder.Write(run.Folder.ModelInfo, info);
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Trains (or, with <c>--resume</c>, continues) on the images <paramref name="loadTrain"/> picks, with the
    /// run folder as checkpoint directory, shows progress and saves the ML.NET model to <c>--output</c>.
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="context">Output streams and cancellation.</param>
    /// <param name="architecture">The network to train.</param>
    /// <param name="options">The trainer's options with its own settings made; the shared ones are filled in here.</param>
    /// <param name="createTrainer">Makes the trainer from <paramref name="options"/> (called once the seed, logger and checkpoint directory are set in them).</param>
    /// <param name="loadTrain">The training images of the data set, given the loader options and the run's seed (called before the run folder is touched).</param>
    /// <param name="useValidationFolder">Validate on the data's <c>val/</c> folder when it has one (and no <c>--validation-fraction</c> is given).</param>
    /// <returns>The trained model and where it came from (dispose the model), or null when Ctrl+C stopped training (the message is written).</returns>
    public TrainedRun? Train(
        ParseResult parse, CliContext context, Architecture architecture, ImageClassificationTrainerOptions options, Func<ImageClassificationTrainer> createTrainer,
        Func<DataSource, ImageDatasetOptions, int, ImageDataset> loadTrain, bool useValidationFolder)
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
        var output = _run.Output(parse);
        var folder = _run.Folder(parse);
        var seed = parse.GetValue(_trainer.Seed) ?? (resume ? folder.ReadSeed() : null) ?? Random.Shared.Next();
        var train = loadTrain(source, loaderOptions, seed);
        if (useValidationFolder && !_trainer.HasValidationFraction(parse) && source.LoadValidation(loaderOptions) is { } validation)
        {
            options.ValidationSet = validation;
        }

        // Held from before anything in the folder is touched (--overwrite deletes files) until the command has written
        // everything: a second run on the same folder is refused, naming this process (issue 19).
        var hold = RunFolderLock.Acquire(folder.Folder);
        try
        {
            folder.Prepare(resume, _run.Overwrite(parse));
            if (!resume)
            {
                folder.WriteRunInfo(parse.CommandResult.Command.Name, parse.Tokens.Select(t => t.Value), seed);
            }

            options.CheckpointDirectory = folder.Folder;
            options.Seed = seed;
            options.Logger = new TextWriterLogger(context.Stderr, context.Verbose ? LogLevel.Information : LogLevel.Warning);
            var trainer = createTrainer();
            var preprocessing = _preprocessing.Build(parse, architecture, source.IsGrayscale);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);

            var console = Consoles.Create(context);
            console.WriteLine($"{(resume ? "Resuming" : "Training")} {trainer.Name} {architecture} on {train.Count} images of {train.Classes.Count} classes ({source.Description}: {source.Root})");
            console.WriteLine($"Run folder: {folder.Folder} (seed {seed})");
            context.CancellationToken.ThrowIfCancellationRequested();
            var skippedWhenListed = train.SkipReport.Count;   // the images found unreadable later were counted in train.Count
            ITrainingDisplay display = context.Interactive ? new SpectreTrainingDisplay(console) : new LineTrainingDisplay(context.Stdout);
            ImageClassificationModel model;
            try
            {
                model = display.Run(progress => resume
                    ? trainer.Resume(folder.Checkpoint, train, preprocessing, progress, context.CancellationToken)
                    : trainer.Fit(train, preprocessing, progress, context.CancellationToken));
            }
            catch (OperationCanceledException e) when (context.CancellationToken.IsCancellationRequested)
            {
                context.Stderr.WriteLine($"{CamlossApp.Name} {parse.CommandResult.Command.Name}: stopped: {e.Message.TrimEnd('.')}; to continue, run the same command with --resume");
                hold.Dispose();
                return null;
            }

            bool saved;
            try
            {
                saved = SaveMLNetModel(model, output, train, folder, console);
            }
            catch
            {
                model.Dispose();
                throw;
            }

            var trained = train.Count - (train.SkipReport.Count - skippedWhenListed);
            var trainedOn = trained < train.Count ? $"; trained on {trained} of the {train.Count} images, the rest unreadable" : string.Empty;
            console.WriteLine(saved
                ? $"Saved {output} ({model}{trainedOn}): the ML.NET model (mlContext.Model.Load; input column {MLNetModelZip.ImageColumn}: the image's bytes)"
                : $"The model is the run folder's checkpoint ({model}{trainedOn}): camloss evaluate, predict, explain and export take --model {folder.Folder}");
            return new TrainedRun(model, source, loaderOptions, trained, seed, folder, output, saved, console, hold, train.SkipReport);
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The training split, after checking that every class of the test split (when there is one) is among its classes:
    /// a test class the model cannot know would otherwise stop the command only after the whole training.
    /// </summary>
    private static ImageDataset LoadTrainCheckingTest(DataSource source, ImageDatasetOptions loaderOptions, int seed)
    {
        _ = seed;
        var train = source.Load(DataSplit.Train, loaderOptions);
        if (source.HasTestSplit)
        {
            var test = source.Load(DataSplit.Test, loaderOptions);
            var unknown = test.Classes.Where(c => train.Classes.IndexOf(c) < 0).ToList();
            if (unknown.Count > 0)
            {
                throw new CliException(
                    $"the test split of {source.Root} has {unknown.Count} class(es) the training split lacks ({string.Join(", ", unknown.Take(5).Select(c => $"'{c}'"))}{(unknown.Count > 5 ? ", …" : string.Empty)}); " +
                    "add training images of them, or remove them from the test split");
            }
        }

        return train;
    }

    /// <summary>
    /// Writes <paramref name="model"/> as the ML.NET model <paramref name="output"/> (<see cref="MLNetModelZip"/>) and returns true;
    /// false, having said why, when its preprocessing has no ML.NET form (the run folder's checkpoint is then the model).
    /// </summary>
    private static bool SaveMLNetModel(ImageClassificationModel model, string output, ImageDataset train, RunFolder folder, IAnsiConsole console)
    {
        try
        {
            MLNetModelZip.Save(model, output, MLNetModelZip.CommonSize(train));
            return true;
        }
        catch (NotSupportedException e)
        {
            File.Delete(output);   // an earlier run's model is not this run's
            console.WriteLine($"No ML.NET model: {e.Message} (camloss export --model {folder.Folder} --onnx FILE writes the network as ONNX)");
            return false;
        }
    }

    /// <summary>Writes the console project that consumes the ML.NET model into the run folder, says where, and records it in <paramref name="info"/> (<c>model.json</c>).</summary>
    private static void WriteConsumptionProject(TrainedRun run, JsonObject info)
    {
        if (!run.SavedMLNetModel)
        {
            return;
        }

        var project = ConsumptionProject.Write(run.Folder.Consumption, run.Output);
        run.Console.WriteLine($"C# to consume it: {run.Folder.Consumption} (dotnet run --project {project} -- IMAGE)");
        info["consumptionProject"] = project;
    }

    /// <summary>The facts <c>model.json</c> records about a trained model (<paramref name="metrics"/>: on the test split, when it was scored).</summary>
    public static JsonObject ModelInfo(TrainedRun run, int testCount, Microsoft.ML.Data.MulticlassClassificationMetrics? metrics) => new()
    {
        ["model"] = run.ModelPath,
        ["checkpoint"] = run.Folder.Checkpoint,
        ["architecture"] = run.Model.Architecture.ToString(),
        ["trainer"] = run.Model.TrainerName,
        ["classes"] = new JsonArray([.. run.Model.ClassNames.Select(c => JsonValue.Create(c))]),
        ["inputShape"] = new JsonArray([.. run.Model.InputShape.Select(n => JsonValue.Create(n))]),
        ["preprocessing"] = run.Model.Preprocessing.ToString(),
        ["data"] = run.Source.Root,
        ["format"] = EnumNames.Of(run.Source.Format),
        ["trainImages"] = run.TrainCount,
        ["skippedTrainImages"] = SkipReporting.ToJson(run.TrainSkips),
        ["testImages"] = metrics is null ? null : testCount,
        ["epochs"] = run.Model.History.Count,
        ["seed"] = run.Seed,
        ["runFolder"] = run.Folder.Folder,
        ["MicroAccuracy"] = metrics?.MicroAccuracy,
    };
}
