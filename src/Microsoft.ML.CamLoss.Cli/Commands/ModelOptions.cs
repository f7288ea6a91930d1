using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Models;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>
/// The options that name the model to use: <c>--model</c>, and for a PyTorch checkpoint (which
/// records no architecture, classes or preprocessing) <c>--arch</c>, <c>--normalize</c> and <c>--resize</c>.
/// </summary>
internal sealed class ModelOptions
{
    private readonly Option<string> _model = new("--model", "-m")
    {
        Description = "An ML.NET model zip (what 'camloss train --output' writes, or mlContext.Model.Save of a model camloss's trainers fitted), an ONNX file from 'camloss export', a training run folder or its checkpoint.camloss-ckpt, or a PyTorch checkpoint (torch.save of a state dict) with --arch; told apart by content.",
        HelpName = "file",
        Required = true,
    };

    private readonly Option<Architecture?> _arch = CliOptions.Enum<Architecture>(
        "--arch", "architecture", "The architecture of a PyTorch checkpoint given as --model (the other kinds record their own).", "-a");

    private readonly Option<NormalizeKind?> _normalize = CliOptions.Enum<NormalizeKind>(
        "--normalize", "normalization", "How a PyTorch checkpoint's inputs are normalised after scaling to [0, 1] (default imagenet).");

    private readonly Option<int?> _resize = CliOptions.Value<int>(
        "--resize", "Resize images to n×n before a PyTorch checkpoint sees them (default: as they are).", "n");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(System.CommandLine.Command command)
    {
        command.Options.Add(_model);
        command.Options.Add(_arch);
        command.Options.Add(_normalize);
        command.Options.Add(_resize);
    }

    /// <summary>
    /// Loads what <c>predict</c>, <c>evaluate</c> and <c>explain</c> score with, by the path's content (<see cref="ModelSniffer"/>):
    /// an ONNX graph from <c>camloss export</c> on ONNX Runtime and an ML.NET model zip through ML.NET (both record their own
    /// classes and preprocessing), else the network as <see cref="Load"/> does.
    /// </summary>
    public ScoringModel LoadForScoring(ParseResult parse, IReadOnlyList<string>? classNames, string classesHint)
    {
        var path = parse.GetRequiredValue(_model);
        var kind = ModelSniffer.Detect(path);
        if (kind is not (ModelKind.OnnxGraph or ModelKind.MLNetModel))
        {
            return new ScoringModel(Load(parse, classNames, classesHint));
        }

        RejectPreprocessingOptions(parse, path, Describe(kind));
        return kind == ModelKind.OnnxGraph ? new ScoringModel(new OnnxImageClassifier(path)) : new ScoringModel(new MLNetImageClassifier(path));
    }

    /// <summary>
    /// Loads the network: a run folder's or a training checkpoint's model as training returned it
    /// (<see cref="ImageClassificationModel.FromCheckpoint"/>); a PyTorch checkpoint with <c>--arch</c>,
    /// <paramref name="classNames"/> and the preprocessing <c>--resize</c> and <c>--normalize</c> describe.
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="classNames">The classes a checkpoint predicts (from the data set, or <c>--classes</c>); null when the command line gives none.</param>
    /// <param name="classesHint">How to give the class names on this command, for the error when they are missing (e.g. <c>--classes</c>).</param>
    /// <param name="needsNetwork">For the error when <c>--model</c> is an ONNX graph or an ML.NET zip: what the command does that needs the network itself.</param>
    public ImageClassificationModel Load(ParseResult parse, IReadOnlyList<string>? classNames, string classesHint, string needsNetwork = "this command needs the network")
    {
        var path = parse.GetRequiredValue(_model);
        var architecture = parse.GetValue(_arch);
        var kind = ModelSniffer.Detect(path);
        switch (kind)
        {
            case ModelKind.Missing:
                throw new CliException("model " + PathKinds.Describe(path, PathKinds.Of(path), MissingHint(path, "--model", "takes a model zip, an ONNX file, a run folder or its checkpoint, or a PyTorch checkpoint with --arch")));
            case ModelKind.OnnxGraph or ModelKind.MLNetModel:
                throw new CliException(WrongKind(path, kind, needsNetwork, "--model", "--arch"), ExitCodes.Usage);
            case ModelKind.RunFolder or ModelKind.TrainingCheckpoint:
                RejectPreprocessingOptions(parse, path, kind == ModelKind.RunFolder ? "a run folder" : "a training checkpoint");
                return ImageClassificationModel.FromCheckpoint(path);
            case ModelKind.PyTorchCheckpoint when architecture is null:
                throw new CliException(
                    $"'{path}' is a PyTorch checkpoint, which records neither its architecture nor its classes; pass --arch (e.g. --arch resnet20){(classNames is null ? $" and {classesHint}" : string.Empty)} to use it",
                    ExitCodes.Usage);
            case ModelKind.Other when architecture is null:
                return ImageClassificationModel.FromCheckpoint(path); // throws the loader's account of what the file is
        }

        if (classNames is null)
        {
            throw new CliException($"'{path}' is a PyTorch checkpoint, which does not record its classes; pass them with {classesHint}", ExitCodes.Usage);
        }

        var preprocessing = new ImagePipeline();
        if (parse.GetValue(_resize) is { } size)
        {
            preprocessing = preprocessing.Resize(size, size);
        }

        if ((parse.GetValue(_normalize) ?? NormalizeKind.ImageNet) == NormalizeKind.ImageNet)
        {
            preprocessing = preprocessing.NormalizeImageNet();
        }

        return ImageClassificationModel.FromPyTorchCheckpoint(path, architecture!.Value, classNames, preprocessing);
    }

    /// <summary>What a file of <paramref name="kind"/> is, for messages: "an ONNX graph", "an ML.NET model zip".</summary>
    internal static string Describe(ModelKind kind) => kind == ModelKind.OnnxGraph ? "an ONNX graph" : "an ML.NET model zip";

    /// <summary>What to give <paramref name="option"/> (which <paramref name="takes"/>) instead of the missing <paramref name="path"/> (a folder: one without a checkpoint).</summary>
    internal static string MissingHint(string path, string option, string takes) =>
        Directory.Exists(path)
            ? $"it holds no training checkpoint ({ImageClassificationTrainer.CheckpointFileName}); give {option} the run folder of a finished or stopped run"
            : $"{option} {takes}";

    /// <summary>
    /// The one line for an ONNX graph or ML.NET zip given where the network itself is needed: what the file is, why it
    /// will not do, and what to give instead (the run folder it came from, or a PyTorch checkpoint with <paramref name="archOption"/>).
    /// </summary>
    internal static string WrongKind(string path, ModelKind kind, string needsNetwork, string option, string archOption) =>
        $"'{path}' is {Describe(kind)}, which holds the network only as a scoring graph, but {needsNetwork}; give {option} the run folder of the training " +
        $"(camloss train --output NAME.zip keeps it as NAME.run, with checkpoint.camloss-ckpt) or a PyTorch checkpoint with {archOption}";

    /// <summary>Refuses <c>--arch</c>, <c>--normalize</c> and <c>--resize</c> for a model that records its own preprocessing (<paramref name="what"/>).</summary>
    private void RejectPreprocessingOptions(ParseResult parse, string path, string what)
    {
        if (new Option[] { _arch, _normalize, _resize }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } given)
        {
            throw new CliException($"{given.Name} applies to PyTorch checkpoints; '{path}' is {what}, which records its own preprocessing", ExitCodes.Usage);
        }
    }
}
