using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Cli.Explain;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Scoring;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary><c>camloss predict</c>: the top-k labels of each image and, with <c>--cam</c>, PNGs of the CAM over it.</summary>
internal sealed class PredictCommand : CliCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly ModelOptions _model = new();
    private readonly Argument<string[]> _images = new("image") { Description = "Image files to classify (JPEG, PNG, BMP, WebP, GIF, PNM).", Arity = ArgumentArity.OneOrMore };
    private readonly Option<int?> _top = CliOptions.Value<int>("--top", "How many labels to show per image, most probable first (default 5).", "k", "-k");
    private readonly Option<string?> _cam = CliOptions.Text("--cam", "Also write, per image, a PNG of the predicted class's CAM over the image into this folder.", "dir");
    private readonly Option<double?> _opacity = CliOptions.Value<double>("--opacity", "Weight of the CAM colours over the image, 0 to 1 (default 0.5).", "a");
    private readonly Option<Colormap?> _colormap = CliOptions.Enum<Colormap>("--colormap", "colormap", "Colours of the CAM (default jet).");
    private readonly Option<string?> _classes = CliOptions.Text(
        "--classes", "The class names of a PyTorch checkpoint, in output order: comma-separated, or a file with one per line.", "names");

    private readonly Option<bool> _json = CliOptions.Flag("--json", "Write the predictions to stdout as JSON (Image, PredictedLabel, Top: [{Label, Probability}], Cam).");

    /// <summary>Creates the command and its options.</summary>
    public PredictCommand()
        : base("predict", "Classify images with a model (an ML.NET model zip, an exported ONNX file, a training run folder or checkpoint, or a PyTorch checkpoint with --arch): the top-k labels with their probabilities, and with --cam a PNG of the CAM over each image.")
    {
        _model.AddTo(Command);
        Command.Arguments.Add(_images);
        Add(_top, _cam, _opacity, _colormap, _classes, _json);
    }

    /// <inheritdoc />
    public override int Execute(ParseResult parse, CliContext context)
    {
        var images = parse.GetRequiredValue(_images);
        var top = AtLeastOne(parse.GetValue(_top) ?? 5, "--top");
        var opacity = parse.GetValue(_opacity) ?? 0.5;
        if (!(opacity is >= 0 and <= 1))
        {
            throw new CliException($"--opacity must be between 0 and 1; got {Invariant.Format(opacity)}", ExitCodes.Usage);
        }

        if (images.Select(i => (Path: i, Kind: PathKinds.Of(i))).FirstOrDefault(i => i.Kind != PathKind.File) is { Path: { } bad, Kind: var badKind })
        {
            throw new CliException("image " + PathKinds.Describe(bad, badKind, "predict takes image files"));
        }
        using var model = _model.LoadForScoring(parse, ClassNames(parse.GetValue(_classes)), "--classes");
        var camFolder = parse.GetValue(_cam);
        if (camFolder is not null)
        {
            Directory.CreateDirectory(camFolder);
        }

        var scoring = new ScoringOptions { IncludeCam = camFolder is not null, Resolution = MapResolution.Input };
        var colormap = parse.GetValue(_colormap) ?? Colormap.Jet;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var results = new JsonArray();
        foreach (var image in images)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var prediction = model.Predict(image, scoring);
            string? camPath = null;
            if (camFolder is not null)
            {
                camPath = Path.Combine(camFolder, UniqueName(names, Path.GetFileNameWithoutExtension(image)) + ".cam.png");
                File.WriteAllBytes(camPath, CamOverlay.Png(model.Preprocessing, image, prediction.Cam!, opacity, colormap));
            }

            var best = prediction.Top(Math.Min(top, model.ClassNames.Count));
            if (parse.GetValue(_json))
            {
                results.Add(new JsonObject
                {
                    ["Image"] = image,
                    ["PredictedLabel"] = prediction.PredictedLabel,
                    ["Top"] = new JsonArray([.. best.Select(b => (JsonNode)new JsonObject { ["Label"] = b.Label, ["Probability"] = b.Probability })]),
                    ["Cam"] = camPath,
                });
            }
            else
            {
                Write(context.Stdout, image, best, camPath);
            }
        }

        if (parse.GetValue(_json))
        {
            context.Stdout.WriteLine(results.ToJsonString(Indented));
        }

        return ExitCodes.Success;
    }

    private static void Write(TextWriter output, string image, IReadOnlyList<(string Label, float Probability)> best, string? camPath)
    {
        output.WriteLine(image);
        var width = best.Max(b => b.Label.Length);
        for (var i = 0; i < best.Count; i++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i + 1}. {best[i].Label.PadRight(width)}  {best[i].Probability,7:P2}"));
        }

        if (camPath is not null)
        {
            output.WriteLine($"  CAM: {camPath}");
        }
    }

    /// <summary>The class names <c>--classes</c> gives: a file with one name per line, or a comma-separated list; null when not given.</summary>
    internal static string[]? ClassNames(string? classes)
    {
        if (classes is null)
        {
            return null;
        }

        var names = File.Exists(classes) ? File.ReadAllLines(classes) : classes.Split(',');
        names = [.. names.Select(n => n.Trim()).Where(n => n.Length > 0)];
        return names.Length > 0 ? names : throw new CliException("--classes names no classes", ExitCodes.Usage);
    }

    /// <summary><paramref name="stem"/>, or <c>stem-2</c>, <c>stem-3</c> … when an earlier image had the same name.</summary>
    private static string UniqueName(HashSet<string> used, string stem)
    {
        var name = stem;
        for (var n = 2; !used.Add(name); n++)
        {
            name = $"{stem}-{n}";
        }

        return name;
    }
}
