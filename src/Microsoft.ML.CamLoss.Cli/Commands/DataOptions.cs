using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Data;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>
/// The options that name a data set: <c>--data</c>, <c>--format</c>, <c>--skip-invalid-images</c>, <c>--max-image-pixels</c>,
/// and for commands that score one part of it, <c>--split</c>.
/// </summary>
internal sealed class DataOptions(bool withSplit = false)
{
    private readonly Option<string> _data = new("--data", "-d")
    {
        Description = "The data set folder (ImageFolder, CUB-200-2011, Stanford Dogs, CIFAR binary or IDX; see --format).",
        HelpName = "dir",
        Required = true,
    };

    private readonly Option<DataFormat?> _format = CliOptions.Enum<DataFormat>(
        "--format", "format", "The data set's layout; default auto: detected from the folder's contents.");

    private readonly Option<bool> _skipInvalid = CliOptions.Flag(
        "--skip-invalid-images", "Leave out unreadable, empty or missing images (and say how many) instead of stopping at the first.");

    private readonly Option<long?> _maxPixels = CliOptions.Value<long>(
        "--max-image-pixels", $"The most pixels (width × height, from the header) an image may declare before it is refused as a decompression bomb (default {ImageDecoding.DefaultMaxPixels} = 2^26).", "n");

    private readonly Option<DataSplit?> _split = CliOptions.Enum<DataSplit>("--split", "split", "Which images to use when the data has a train/test split (default test).");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(System.CommandLine.Command command)
    {
        _maxPixels.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is { } value and (< 1 or > ImageDecoding.MaxSupportedPixels))
            {
                result.AddError($"--max-image-pixels must be between 1 and {ImageDecoding.MaxSupportedPixels}; got {value}");
            }
        });

        command.Options.Add(_data);
        command.Options.Add(_format);
        command.Options.Add(_skipInvalid);
        command.Options.Add(_maxPixels);
        if (withSplit)
        {
            command.Options.Add(_split);
        }
    }

    /// <summary>The data set the command line names, its layout found.</summary>
    public DataSource Open(ParseResult parse) => DataLocator.Open(parse.GetRequiredValue(_data), parse.GetValue(_format) ?? DataFormat.Auto);

    /// <summary>The data set and the images of its <c>--split</c> (default test; all of it for a layout without a split).</summary>
    public (DataSource Source, ImageDataset Images) LoadSplit(ParseResult parse)
    {
        var source = Open(parse);
        return (source, source.Load(parse.GetValue(_split) ?? DataSplit.Test, LoaderOptions(parse)));
    }

    /// <summary>The loader options the command line asks for.</summary>
    public ImageDatasetOptions LoaderOptions(ParseResult parse) =>
        new() { SkipInvalidImages = parse.GetValue(_skipInvalid), MaxImagePixels = parse.GetValue(_maxPixels) ?? ImageDecoding.DefaultMaxPixels };
}
