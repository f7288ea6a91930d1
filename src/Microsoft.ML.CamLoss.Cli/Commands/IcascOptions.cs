using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>The options of <see cref="IcascImageClassificationTrainer.Options"/> beyond the shared ones (<c>--loss icasc</c>).</summary>
internal sealed class IcascOptions
{
    private static readonly IcascImageClassificationTrainer.Options Defaults = new();

    private readonly Option<AttentionKind?> _attention = CliOptions.Enum<AttentionKind>(
        "--attention", "attention", $"How ICASC computes attention maps (default {EnumNames.Of(Defaults.Attention)}).");

    private readonly Option<double?> _sigma = CliOptions.Value<double>("--sigma", $"ICASC mask threshold σ (default {Invariant.Format(Defaults.Sigma)}).", "s");
    private readonly Option<double?> _omega = CliOptions.Value<double>("--omega", $"ICASC mask sharpness ω (default {Invariant.Format(Defaults.Omega)}).", "w");
    private readonly Option<double?> _theta = CliOptions.Value<double>("--theta", $"ICASC consistency target θ (default {Invariant.Format(Defaults.Theta)}).", "t");

    /// <summary>The options, to add to a command and to reject with other losses.</summary>
    public IReadOnlyList<Option> All => [_attention, _sigma, _omega, _theta];

    /// <summary>The trainer options from the command line.</summary>
    public IcascImageClassificationTrainer.Options Create(ParseResult parse) => new()
    {
        Attention = parse.GetValue(_attention) ?? Defaults.Attention,
        Sigma = parse.GetValue(_sigma) ?? Defaults.Sigma,
        Omega = parse.GetValue(_omega) ?? Defaults.Omega,
        Theta = parse.GetValue(_theta) ?? Defaults.Theta,
    };
}
