using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Output;
using Microsoft.ML.CamLoss.Cli.Parsing;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary><c>camloss explain</c>: a gallery of image / CAM / CAAM / Grad-CAM pictures for a sample of a data set.</summary>
internal sealed class ExplainCommand : CliCommand
{
    private readonly ModelOptions _model = new();
    private readonly DataOptions _data = new(withSplit: true);
    private readonly Option<string> _out = new("--out") { Description = "The folder to write the gallery to (PNGs and gallery.json).", HelpName = "dir", Required = true };
    private readonly Option<int?> _count = CliOptions.Value<int>("--count", "How many images to explain (default 16).", "n", "-n");
    private readonly Option<int?> _seed = CliOptions.Value<int>("--seed", "Seed of the sample (default 0).", "n");

    /// <summary>Creates the command and its options.</summary>
    public ExplainCommand()
        : base("explain", "Write a gallery of image / CAM / CAAM / Grad-CAM pictures for a sample of a data set's images (an ONNX file needs the maps of 'camloss export --cam', an ML.NET zip the Cam and Caam columns).")
    {
        _model.AddTo(Command);
        _data.AddTo(Command);
        Add(_out, _count, _seed);
    }

    /// <inheritdoc />
    public override int Execute(ParseResult parse, CliContext context)
    {
        var count = AtLeastOne(parse.GetValue(_count) ?? 16, "--count");
        var (_, data) = _data.LoadSplit(parse);
        using var model = _model.LoadForScoring(parse, data.Classes, "--data");
        var output = Path.GetFullPath(parse.GetRequiredValue(_out));
        var gallery = model.WriteGallery(data, output, count, unchecked((ulong)(parse.GetValue(_seed) ?? 0)));
        context.Stdout.WriteLine($"Wrote a gallery of {gallery.Entries.Count} images to {output}");
        SkipReporting.Write(Consoles.Create(context), "gallery", data.SkipReport, whereAll: null);
        return ExitCodes.Success;
    }
}
