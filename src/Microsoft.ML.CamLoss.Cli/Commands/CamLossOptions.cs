using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>The options of <see cref="CamLossImageClassificationTrainer.Options"/> beyond the shared ones (<c>--loss camloss</c>).</summary>
internal sealed class CamLossOptions
{
    private static readonly CamLossImageClassificationTrainer.Options Defaults = new();

    private readonly Option<double?> _weight = CliOptions.Value<double>("--cam-weight", $"CAM-loss weight c, α once it starts (default {Invariant.Format(Defaults.CamLossWeight)}).", "c");
    private readonly Option<int?> _startEpoch = CliOptions.Value<int>("--cam-start-epoch", $"First epoch (0-based) with α = c (default {Defaults.CamLossStartEpoch}).", "t");
    private readonly Option<bool> _adaptive = CliOptions.Flag("--adaptive-start", "Start α at the first epoch after the training accuracy exceeds --adaptive-threshold (instead of --cam-start-epoch).");
    private readonly Option<double?> _threshold = CliOptions.Value<double>(
        "--adaptive-threshold", $"Training accuracy that starts α under --adaptive-start (default {Invariant.Format(Defaults.AdaptiveAccuracyThreshold)}).", "acc");

    private readonly Option<MapDistance?> _distance = CliOptions.Enum<MapDistance>("--distance", "distance", $"Map distance of the CAM-loss (default {EnumNames.Of(Defaults.Distance)}).");

    /// <summary>The options, to add to a command and to reject with other losses.</summary>
    public IReadOnlyList<Option> All => [_weight, _startEpoch, _adaptive, _threshold, _distance];

    /// <summary>The trainer options from the command line.</summary>
    public CamLossImageClassificationTrainer.Options Create(ParseResult parse) => new()
    {
        CamLossWeight = parse.GetValue(_weight) ?? Defaults.CamLossWeight,
        CamLossStartEpoch = parse.GetValue(_startEpoch) ?? Defaults.CamLossStartEpoch,
        AdaptiveStart = parse.GetValue(_adaptive),
        AdaptiveAccuracyThreshold = parse.GetValue(_threshold) ?? Defaults.AdaptiveAccuracyThreshold,
        Distance = parse.GetValue(_distance) ?? Defaults.Distance,
    };
}
