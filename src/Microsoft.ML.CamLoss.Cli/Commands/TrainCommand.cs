using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Cli.Training;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary><c>camloss train</c>: a data set folder in, a model file out (with CAM-loss, cross-entropy or ICASC).</summary>
internal sealed class TrainCommand : CliCommand
{
    private readonly TrainingSession _session = new();
    private readonly Option<Architecture?> _arch = CliOptions.Enum<Architecture>("--arch", "architecture", "The network to train (default resnet18).", "-a");
    private readonly Option<LossKind?> _loss = CliOptions.Enum<LossKind>("--loss", "loss", "The training loss (default camloss).");
    private readonly CamLossOptions _cam = new();
    private readonly IcascOptions _icasc = new();

    /// <summary>Creates the command and its options.</summary>
    public TrainCommand()
        : base("train", "Train an image classifier on a data set folder and save it; the run folder keeps checkpoints, training.jsonl and the test metrics. Ctrl+C stops with a checkpoint; --resume continues.")
    {
        Add(_arch, _loss);
        _session.AddTo(Command);
        Add([.. _cam.All, .. _icasc.All]);
    }

    /// <inheritdoc />
    public override int Execute(ParseResult parse, CliContext context)
    {
        var loss = parse.GetValue(_loss) ?? LossKind.CamLoss;
        RejectUnless(parse, loss == LossKind.CamLoss, _cam.All, "--loss camloss");
        RejectUnless(parse, loss == LossKind.Icasc, _icasc.All, "--loss icasc");
        var architecture = parse.GetValue(_arch) ?? Architecture.ResNet18;
        switch (loss)
        {
            case LossKind.CamLoss:
                var cam = _cam.Create(parse);
                return _session.Run(parse, context, architecture, cam, ml => ml.MulticlassClassification.Trainers.CamLoss(cam));
            case LossKind.Icasc:
                var icasc = _icasc.Create(parse);
                return _session.Run(parse, context, architecture, icasc, ml => ml.MulticlassClassification.Trainers.Icasc(icasc));
            default:
                var ce = new CrossEntropyImageClassificationTrainer.Options();
                return _session.Run(parse, context, architecture, ce, ml => ml.MulticlassClassification.Trainers.CrossEntropy(ce));
        }
    }
}
