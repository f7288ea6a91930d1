using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>
/// <c>--loss ce|camloss|icasc</c> (default camloss) and each loss's own options (<see cref="CamLossOptions"/>,
/// <see cref="IcascOptions"/>; given with another loss they are a usage error): which trainer a command trains with.
/// </summary>
internal sealed class LossOptions
{
    private readonly Option<LossKind?> _loss = CliOptions.Enum<LossKind>("--loss", "loss", "The training loss (default camloss).");
    private readonly CamLossOptions _cam = new();
    private readonly IcascOptions _icasc = new();

    /// <summary>The <c>--loss</c> option.</summary>
    public Option<LossKind?> Loss => _loss;

    /// <summary>The options of the losses (CAM-loss's, then ICASC's).</summary>
    public IReadOnlyList<Option> Details => [.. _cam.All, .. _icasc.All];

    /// <summary>
    /// The trainer's options (its own settings made from the command line) and how to make the trainer from them, once the
    /// session has filled in the shared settings (seed, logger, checkpoint directory …).
    /// </summary>
    /// <exception cref="CliException">An option of another loss was given.</exception>
    public (ImageClassificationTrainerOptions Options, Func<ImageClassificationTrainer> Create) Trainer(ParseResult parse)
    {
        var loss = parse.GetValue(_loss) ?? LossKind.CamLoss;
        CliCommand.RejectUnless(parse, loss == LossKind.CamLoss, _cam.All, "--loss camloss");
        CliCommand.RejectUnless(parse, loss == LossKind.Icasc, _icasc.All, "--loss icasc");
        switch (loss)
        {
            case LossKind.CamLoss:
                var cam = _cam.Create(parse);
                return (cam, () => new CamLossImageClassificationTrainer(cam));
            case LossKind.Icasc:
                var icasc = _icasc.Create(parse);
                return (icasc, () => new IcascImageClassificationTrainer(icasc));
            default:
                var ce = new CrossEntropyImageClassificationTrainer.Options();
                return (ce, () => new CrossEntropyImageClassificationTrainer(ce));
        }
    }
}
