using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Cli.Training;
using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>
/// <c>camloss train</c>: a data set folder in (trained with CAM-loss, cross-entropy or ICASC), the ML.NET model zip out
/// (<see cref="Training.MLNetModelZip"/>), and in the run folder the checkpoint (the network, for export, distillation and
/// resuming) and the C# that consumes the zip (<see cref="Training.ConsumptionProject"/>).
/// </summary>
internal sealed class TrainCommand : CliCommand
{
    private readonly TrainingSession _session = new();
    private readonly Option<Architecture?> _arch = CliOptions.Enum<Architecture>("--arch", "architecture", "The network to train (default resnet18).", "-a");
    private readonly LossOptions _losses = new();

    /// <summary>Creates the command and its options.</summary>
    public TrainCommand()
        : base("train", "Train an image classifier on a data set folder and save it as an ML.NET model zip (--output); the run folder beside it keeps the checkpoint (the network, for export and distill), training.jsonl, the test metrics and a console project that predicts with the zip (consume/). Ctrl+C stops with a checkpoint; --resume continues.")
    {
        Add(_arch, _losses.Loss);
        _session.AddTo(Command);
        Add([.. _losses.Details]);
    }

    /// <inheritdoc />
    public override int Execute(ParseResult parse, CliContext context)
    {
        var (options, createTrainer) = _losses.Trainer(parse);
        return _session.Run(parse, context, parse.GetValue(_arch) ?? Architecture.ResNet18, options, createTrainer);
    }
}
