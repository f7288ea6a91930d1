using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Models;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Pipelines;
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
        Description = "A camloss model file, an ML.NET model zip (mlContext.Model.Save of a model camloss's trainers fitted), an ONNX file from 'camloss export', or a PyTorch checkpoint (torch.save of a state dict) with --arch; told apart by content.",
        HelpName = "file",
        Required = true,
    };

    private readonly Option<Architecture?> _arch = CliOptions.Enum<Architecture>(
        "--arch", "architecture", "The architecture of a PyTorch checkpoint given as --model (a camloss model file records its own).", "-a");

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
    /// Loads what <c>predict</c>, <c>evaluate</c> and <c>explain</c> score with, by the file's content (<see cref="ModelSniffer"/>):
    /// an ONNX graph from <c>camloss export</c> on ONNX Runtime and an ML.NET model zip through ML.NET (both record their own
    /// classes and preprocessing), else the model as <see cref="Load"/> does.
    /// </summary>
    public ScoringModel LoadForScoring(ParseResult parse, CamLossContext ml, IReadOnlyList<string>? classNames, string classesHint)
    {
        var path = parse.GetRequiredValue(_model);
        var kind = ModelSniffer.Detect(path);
        if (kind is not (ModelFileKind.OnnxGraph or ModelFileKind.MLNetModel))
        {
            return new ScoringModel(Load(parse, ml, classNames, classesHint));
        }

        if (new Option[] { _arch, _normalize, _resize }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } given)
        {
            throw new CliException($"{given.Name} applies to PyTorch checkpoints; '{path}' is {Describe(kind)}, which records its own preprocessing", ExitCodes.Usage);
        }

        return kind == ModelFileKind.OnnxGraph ? new ScoringModel(new OnnxImageClassifier(path)) : new ScoringModel(new MLNetImageClassifier(path));
    }

    /// <summary>
    /// Loads the model: a camloss model file as it is; a PyTorch checkpoint with <c>--arch</c>,
    /// <paramref name="classNames"/> and the preprocessing <c>--resize</c> and <c>--normalize</c> describe.
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="ml">The context.</param>
    /// <param name="classNames">The classes a checkpoint predicts (from the data set, or <c>--classes</c>); null when the command line gives none.</param>
    /// <param name="classesHint">How to give the class names on this command, for the error when they are missing (e.g. <c>--classes</c>).</param>
    /// <param name="needsNetwork">For the error when <c>--model</c> is an ONNX graph or an ML.NET zip: what the command does that needs the network itself.</param>
    public ImageClassificationModel Load(ParseResult parse, CamLossContext ml, IReadOnlyList<string>? classNames, string classesHint, string needsNetwork = "this command needs the network")
    {
        var path = parse.GetRequiredValue(_model);
        var architecture = parse.GetValue(_arch);
        var kind = ModelSniffer.Detect(path);
        switch (kind)
        {
            case ModelFileKind.Missing:
                throw new CliException("model " + PathKinds.Describe(path, PathKinds.Of(path), "--model takes a model file"));
            case ModelFileKind.OnnxGraph or ModelFileKind.MLNetModel:
                throw new CliException(WrongKind(path, kind, needsNetwork, "--model", "--arch"), ExitCodes.Usage);
            case ModelFileKind.CamLossArchive:
                return ml.Model.Load(path);
            case ModelFileKind.PyTorchCheckpoint when architecture is null:
                throw new CliException(
                    $"'{path}' is a PyTorch checkpoint, which records neither its architecture nor its classes; pass --arch (e.g. --arch resnet20){(classNames is null ? $" and {classesHint}" : string.Empty)} to use it",
                    ExitCodes.Usage);
            case ModelFileKind.Other when architecture is null:
                return ml.Model.Load(path); // throws the loader's account of what the file is
        }

        if (classNames is null)
        {
            throw new CliException($"'{path}' is a PyTorch checkpoint, which does not record its classes; pass them with {classesHint}", ExitCodes.Usage);
        }

        var preprocessing = ml.Transforms.LoadImages();
        if (parse.GetValue(_resize) is { } size)
        {
            preprocessing = preprocessing.Append(ml.Transforms.ResizeImages(size, size));
        }

        if ((parse.GetValue(_normalize) ?? NormalizeKind.ImageNet) == NormalizeKind.ImageNet)
        {
            preprocessing = preprocessing.Append(ml.Transforms.NormalizeImageNet());
        }

        return ml.Model.LoadPyTorchCheckpoint(path, architecture!.Value, classNames, preprocessing.Pipeline);
    }

    /// <summary>What a file of <paramref name="kind"/> is, for messages: "an ONNX graph", "an ML.NET model zip".</summary>
    internal static string Describe(ModelFileKind kind) => kind == ModelFileKind.OnnxGraph ? "an ONNX graph" : "an ML.NET model zip";

    /// <summary>
    /// The one line for an ONNX graph or ML.NET zip given where the network itself is needed: what the file is, why it
    /// will not do, and what to give instead (the camloss model file it came from, or a checkpoint with <paramref name="archOption"/>).
    /// </summary>
    internal static string WrongKind(string path, ModelFileKind kind, string needsNetwork, string option, string archOption) =>
        $"'{path}' is {Describe(kind)}, which holds the network only as a scoring graph, but {needsNetwork}; give {option} a camloss model file " +
        $"(camloss train --output writes one; an ML.NET model zip and an ONNX file are made from it) or a PyTorch checkpoint with {archOption}";
}
