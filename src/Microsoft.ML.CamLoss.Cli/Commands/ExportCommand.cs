using System.CommandLine;
using System.Globalization;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>
/// <c>camloss export</c>: writes a model as an ONNX graph for ONNX Runtime and ML.NET (normalisation inside,
/// dynamic batch, probabilities with class names, and the CAM and CAAM unless <c>--cam none</c>).
/// </summary>
internal sealed class ExportCommand : CliCommand
{
    private readonly ModelOptions _model = new();
    private readonly Option<string> _onnx = new("--onnx", "-o") { Description = "The ONNX file to write (replaced atomically).", HelpName = "file", Required = true };
    private readonly Option<CamOutput?> _cam = CliOptions.Enum<CamOutput>(
        "--cam", "map resolution", "Also output the CAM of the predicted class and the CAAM, at the last feature map's size or resized to the input's (default feature).");

    private readonly Option<bool> _cams = CliOptions.Flag("--cams", "Also output every class's CAM (Cams, [N, classes, h, w]).");
    private readonly Option<bool> _keepBatchNorm = CliOptions.Flag("--keep-batchnorm", "Keep BatchNorm as BatchNormalization nodes instead of folding it into the convolutions.");
    private readonly Option<string?> _classes = CliOptions.Text(
        "--classes", "The class names of a PyTorch checkpoint, in output order: comma-separated, or a file with one per line.", "names");

    /// <summary>Creates the command and its options.</summary>
    public ExportCommand()
        : base("export", "Write the model of a training run folder (or checkpoint, or a PyTorch checkpoint with --arch and --classes) as an ONNX graph that ONNX Runtime and ML.NET score: input Pixels [N, 3, H, W] in [0, 1], outputs Score, Logits, Cam, Caam.")
    {
        _model.AddTo(Command);
        Add(_onnx, _cam, _cams, _keepBatchNorm, _classes);
    }

    /// <inheritdoc />
    public override int Execute(ParseResult parse, CliContext context)
    {
        var path = parse.GetRequiredValue(_onnx);
        var cam = parse.GetValue(_cam) ?? CamOutput.Feature;
        if (cam == CamOutput.None && parse.GetValue(_cams))
        {
            throw new CliException("--cams needs maps: use it with --cam feature or --cam input", ExitCodes.Usage);
        }

        if (Directory.Exists(path))
        {
            throw new CliException($"--onnx '{path}' is a folder; give a file name (e.g. model.onnx)", ExitCodes.Usage);
        }
        using var model = _model.Load(parse, PredictCommand.ClassNames(parse.GetValue(_classes)), "--classes", "export writes the network as a new ONNX graph");
        var options = new OnnxExportOptions
        {
            Maps = cam == CamOutput.None ? OnnxMaps.None : OnnxMaps.CamAndCaam | (parse.GetValue(_cams) ? OnnxMaps.Cams : OnnxMaps.None),
            MapResolution = cam == CamOutput.Input ? MapResolution.Input : MapResolution.Feature,
            FoldBatchNorm = !parse.GetValue(_keepBatchNorm),
        };
        context.CancellationToken.ThrowIfCancellationRequested();
        OnnxExport.Save(model, path, options);

        // Read back by ONNX Runtime: the summary shows what a client gets (and proves the file loads).
        using var exported = new OnnxImageClassifier(path, new OnnxImageClassifierOptions { IntraOpThreads = 1 });
        var outputs = new[] { OnnxNames.Score, OnnxNames.Logits }
            .Concat(options.Maps.HasFlag(OnnxMaps.Cam) ? [OnnxNames.Cam, OnnxNames.Caam] : [])
            .Concat(options.Maps.HasFlag(OnnxMaps.Cams) ? [OnnxNames.Cams] : []);
        context.Stdout.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{path}: {exported}; outputs {string.Join(", ", outputs)}{(cam == CamOutput.None ? string.Empty : $" (maps at {cam.ToString().ToLowerInvariant()} resolution)")}; " +
            $"{new FileInfo(path).Length / 1e6:F1} MB"));
        return ExitCodes.Success;
    }
}
