using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.CamLoss.Cli.Data;
using Microsoft.ML.CamLoss.Cli.Output;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Cli.Training;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.FewShot;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;
using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>
/// <c>camloss fewshot</c>: Baseline++ few-shot classification. Splits the data set's classes into base,
/// validation and novel (seeded; the split is written next to the model as <c>MODEL.split.json</c>),
/// trains a network with a cosine classifier on every image of the base classes (cross-entropy,
/// CAM-loss or ICASC, with every <c>train</c> option), then evaluates its frozen backbone on N-way K-shot
/// episodes of the novel classes: mean accuracy ± 1.96·σ/√episodes per K (<c>fewshot.json</c> in the run
/// folder). With <c>--model</c> it only evaluates the backbone of a run trained before (reloaded from its checkpoint with
/// <see cref="ImageClassificationModel.FromCheckpoint"/>), on the classes its split file names.
/// </summary>
internal sealed class FewShotCommand : CliCommand
{
    private static readonly FewShotOptions Defaults = new();
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly TrainingSession _session = new(outputRequired: false);
    private readonly Option<Architecture?> _arch = CliOptions.Enum<Architecture>("--arch", "architecture", "The network to train (default resnet18; resnet10 is Chen et al.'s smallest).", "-a");
    private readonly LossOptions _losses = new();
    private readonly Option<int?> _way = CliOptions.Value<int>("--way", $"N, classes per episode (default {Defaults.Way}).", "n");
    private readonly Option<string?> _shot = CliOptions.Text("--shot", $"K, support images per class; several values separated by commas (default {string.Join(",", Defaults.Shots)}).", "k[,k…]");
    private readonly Option<int?> _queries = CliOptions.Value<int>("--queries", $"Q, query images per class and episode (default {Defaults.Queries}).", "q");
    private readonly Option<int?> _episodes = CliOptions.Value<int>("--episodes", $"Episodes per K (default {Defaults.Episodes}).", "n");
    private readonly Option<string?> _classSplit = CliOptions.Text(
        "--class-split", "How many classes are base, validation and novel, e.g. 50,25,25 (they must add up to the data's classes; default: half, a quarter and the rest).", "b,v,n");

    private readonly Option<double?> _scale = CliOptions.Value<double>(
        "--cosine-scale", $"Scale s of the cosine classifiers, z = s·cos(W_c, f) (default {Invariant.Format(CosineClassifier.DefaultScale)}).", "s");

    private readonly Option<FewShotClassPart?> _evaluateOn = CliOptions.Enum<FewShotClassPart>(
        "--evaluate-on", "classes", "Which classes the episodes draw from (default novel; validation to choose settings without looking at the novel classes).");

    private readonly Option<string?> _model = CliOptions.Text(
        "--model", "Evaluate the backbone of a run trained before instead of training one: its --output path, its run folder or its checkpoint; " +
        "its classes come from --split-file (default: the OUTPUT.split.json that training wrote).", "path", "-m");

    private readonly Option<string?> _splitFile = CliOptions.Text("--split-file", "The class split of --model (default: the --output path with .split.json, beside the run folder).", "file");
    private readonly Option<bool> _json = CliOptions.Flag(
        "--json", "With --model: write the results to stdout as JSON (accuracies as fractions, every episode's too), nothing else (training writes them to the run folder's fewshot.json).");

    /// <summary>Creates the command and its options.</summary>
    public FewShotCommand()
        : base(
            "fewshot",
            "Few-shot classification (Baseline++): train a network with a cosine classifier on the base classes, then score N-way K-shot episodes of the novel classes " +
            "(mean accuracy ± 1.96·std/√episodes). --model evaluates a model trained before.")
    {
        Add(_arch, _losses.Loss);
        _session.AddTo(Command);
        Add([.. _losses.Details]);
        Add(_way, _shot, _queries, _episodes, _classSplit, _scale, _evaluateOn, _model, _splitFile, _json);
    }

    /// <inheritdoc />
    public override int Execute(ParseResult parse, CliContext context)
    {
        var options = EpisodeOptions(parse);
        return parse.GetValue(_model) is { } model ? EvaluateOnly(parse, context, model, options) : TrainAndEvaluate(parse, context, options);
    }

    private int TrainAndEvaluate(ParseResult parse, CliContext context, FewShotOptions episodes)
    {
        RejectUnless(parse, false, [_splitFile, _json], "--model");
        var (options, createTrainer) = _losses.Trainer(parse);
        options.CosineClassifierScale = parse.GetValue(_scale) ?? CosineClassifier.DefaultScale;
        ImageDataset? all = null;
        FewShotClassSplit? split = null;
        var run = _session.Train(
            parse, context, parse.GetValue(_arch) ?? Architecture.ResNet18, options, createTrainer,
            (source, loaderOptions, seed) =>
            {
                all = AllImages.Load(source, loaderOptions);
                split = Split(parse, all, seed);
                var episodeClasses = split.Select(all, Part(parse));
                foreach (var shot in episodes.Shots)
                {
                    EpisodeSampler.CheckFits(episodeClasses, episodes.Way, shot, episodes.Queries); // before hours of training, not after
                }

                return split.Select(all, FewShotClassPart.Base);
            },
            useValidationFolder: false);
        if (run is null)
        {
            return ExitCodes.Cancelled;
        }

        using (run)
        {
            // Written with the model, not at the start: a resumed run draws the same split again from the run's seed.
            var splitPath = SplitPath(run.Output);
            split!.Save(splitPath);
            run.Console.WriteLine($"Class split ({split.BaseClasses.Count} base, {split.ValidationClasses.Count} validation, {split.NovelClasses.Count} novel): {splitPath}");
            episodes.Seed = run.Seed;
            var evaluation = Evaluate(parse, context, run.Model, split.Select(all!, Part(parse)), episodes, run.Console);
            RunFolder.Write(Path.Combine(run.Folder.Folder, "fewshot.json"), evaluation.ToJson());
            var info = TrainingSession.ModelInfo(run, 0, null);
            info["split"] = splitPath;
            RunFolder.Write(run.Folder.ModelInfo, info);
        }

        return ExitCodes.Success;
    }

    private int EvaluateOnly(ParseResult parse, CliContext context, string modelPath, FewShotOptions episodes)
    {
        var allowed = new HashSet<string>(StringComparer.Ordinal) { "--data", "--format", "--skip-invalid-images", "--seed", "--threads" };
        allowed.UnionWith(new Option[] { _way, _shot, _queries, _episodes, _scale, _evaluateOn, _model, _splitFile, _json }.Select(o => o.Name));
        if (Command.Options.FirstOrDefault(o => !allowed.Contains(o.Name) && parse.GetResult(o) is { Implicit: false }) is { } training)
        {
            throw new CliException($"{training.Name} applies only when training; with --model, fewshot evaluates the model as it is", ExitCodes.Usage);
        }

        var runFolder = RunFolderOf(modelPath);
        var splitPath = Path.GetFullPath(parse.GetValue(_splitFile) ?? SplitPath(Path.ChangeExtension(runFolder, null)));
        var split = ReadSplit(splitPath);
        if (parse.GetValue(_session.Threads) is { } threads)
        {
            TorchSharp.torch.set_num_threads(AtLeastOne(threads, "--threads"));
        }

        var source = _session.OpenData(parse);
        var all = AllImages.Load(source, _session.LoaderOptions(parse));
        var seed = parse.GetValue(_session.Seed) ?? unchecked((int)(split.Seed ?? 0));
        using var model = ImageClassificationModel.FromCheckpoint(runFolder);
        episodes.Seed = seed;
        Evaluate(parse, context, model, split.Select(all, Part(parse)), episodes, Consoles.Create(context));
        return ExitCodes.Success;
    }

    /// <summary>Scores the episodes and prints the results (a table, or JSON with <c>--json</c>).</summary>
    private FewShotEvaluation Evaluate(
        ParseResult parse, CliContext context, ImageClassificationModel model, ImageDataset classes, FewShotOptions options, IAnsiConsole console)
    {
        var json = parse.GetValue(_json);
        if (!json)
        {
            console.WriteLine($"Episodes: {options.Way}-way, K = {string.Join(", ", options.Shots)}, {options.Queries} queries, {options.Episodes} per K, seed {options.Seed}");
            console.WriteLine($"From {classes.Name}: {classes.Classes.Count} classes, {classes.Count} images");
        }

        var progress = json ? null : new Progress(console);
        var evaluation = FewShotEvaluator.Evaluate(model, classes, options, progress, context.CancellationToken);
        if (json)
        {
            context.Stdout.WriteLine(evaluation.ToJson().ToJsonString(Indented));
            return evaluation;
        }

        var table = new Table { Title = new TableTitle(Markup.Escape($"{model} on {classes.Classes.Count} classes ({evaluation.FeatureChannels} features, cosine scale {Invariant.Format(evaluation.Scale)})")) };
        table.AddColumn("Setting").AddColumn(new TableColumn("Accuracy (95% interval)").RightAligned());
        foreach (var result in evaluation.Results)
        {
            table.AddRow(Markup.Escape($"{result.Way}-way {result.Shot}-shot, {result.Queries} queries, {result.EpisodeAccuracies.Count} episodes"), Markup.Escape(result.Accuracy.ToPercent()));
        }

        console.Write(table);
        return evaluation;
    }

    /// <summary>The split of <paramref name="all"/>'s classes <c>--class-split</c> asks for, drawn from the run's seed.</summary>
    private FewShotClassSplit Split(ParseResult parse, ImageDataset all, int seed)
    {
        if (parse.GetValue(_classSplit) is { } text)
        {
            var counts = Numbers(text, "--class-split");
            if (counts.Length != 3 || counts.Sum() != all.Classes.Count || counts[0] < 2 || counts[1] < 0 || counts[2] < 1)
            {
                throw new CliException(
                    $"--class-split takes base,validation,novel class counts that add up to the data's {all.Classes.Count} classes (base ≥ 2, novel ≥ 1); got '{text}'", ExitCodes.Usage);
            }

            return FewShotClassSplit.Create(all.Classes, counts[0], counts[1], unchecked((ulong)seed));
        }

        if (all.Classes.Count < 4)
        {
            throw new CliException($"{all.Name} has {all.Classes.Count} classes; a few-shot split needs at least 4 (two base, one validation, one novel)");
        }

        return FewShotClassSplit.Create(all.Classes, unchecked((ulong)seed));
    }

    private static FewShotClassSplit ReadSplit(string path)
    {
        try
        {
            return FewShotClassSplit.Load(path);
        }
        catch (FileNotFoundException)
        {
            throw new CliException($"class split '{path}' does not exist; fewshot writes it beside the model it trains (pass --split-file if it is elsewhere)");
        }
    }

    /// <summary>
    /// The run folder <c>--model</c> names: the folder itself, the folder of a checkpoint file, or the run folder of the
    /// <c>--output</c> path the run was trained with (<c>OUTPUT.run</c>).
    /// </summary>
    private static string RunFolderOf(string model)
    {
        var path = Path.GetFullPath(model);
        var folder = Directory.Exists(path) ? path
            : Path.GetFileName(path) == ImageClassificationTrainer.CheckpointFileName ? Path.GetDirectoryName(path)!
            : new RunFolder(path, null).Folder;
        if (!File.Exists(Path.Combine(folder, ImageClassificationTrainer.CheckpointFileName)))
        {
            throw new CliException($"--model '{model}': there is no training checkpoint at '{Path.Combine(folder, ImageClassificationTrainer.CheckpointFileName)}'; pass the --output path, the run folder or the checkpoint of a fewshot run");
        }

        return folder;
    }

    /// <summary>The split file beside a model: the model path with <c>.split.json</c> for its extension.</summary>
    private static string SplitPath(string model) => Path.ChangeExtension(Path.GetFullPath(model), FewShotClassSplit.FileExtension);

    private FewShotClassPart Part(ParseResult parse) => parse.GetValue(_evaluateOn) ?? FewShotClassPart.Novel;

    private FewShotOptions EpisodeOptions(ParseResult parse) => new()
    {
        Way = AtLeastOne(parse.GetValue(_way) ?? Defaults.Way, "--way"),
        Shots = parse.GetValue(_shot) is { } shots ? [.. Numbers(shots, "--shot").Select(k => AtLeastOne(k, "--shot"))] : Defaults.Shots,
        Queries = AtLeastOne(parse.GetValue(_queries) ?? Defaults.Queries, "--queries"),
        Episodes = AtLeastOne(parse.GetValue(_episodes) ?? Defaults.Episodes, "--episodes"),
        Scale = parse.GetValue(_scale),
    };

    private static int[] Numbers(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new CliException($"{option} expects whole numbers separated by commas; got '{text}'", ExitCodes.Usage);
            }
        }

        return values;
    }

    /// <summary>One line per batch of episodes.</summary>
    private sealed class Progress(IAnsiConsole console) : IProgress<FewShotProgress>
    {
        public void Report(FewShotProgress value)
        {
            console.WriteLine(value.Shot == 0
                ? $"  features extracted ({value.Elapsed.TotalSeconds:F0} s)"
                : $"  {value.Shot}-shot: {value.EpisodesDone}/{value.Episodes} episodes ({value.Elapsed.TotalSeconds:F0} s)");
        }
    }
}
