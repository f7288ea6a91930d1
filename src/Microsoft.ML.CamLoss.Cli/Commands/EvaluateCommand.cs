using System.CommandLine;
using System.Text.Json;
using Microsoft.ML.CamLoss.Cli.Output;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Reporting;
using Microsoft.ML.CamLoss.Scoring;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary><c>camloss evaluate</c>: a model's metrics and confusion matrix on a data set (or, with <c>--json</c>, the metrics as JSON on stdout).</summary>
internal sealed class EvaluateCommand : CliCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly ModelOptions _model = new();
    private readonly DataOptions _data = new(withSplit: true);
    private readonly Option<bool> _json = CliOptions.Flag("--json", "Write the metrics to stdout as JSON (keys named as the metrics: MicroAccuracy, MacroAccuracy, LogLoss, …), nothing else.");
    private readonly Option<int?> _topK = CliOptions.Value<int>("--top-k", "k of TopKAccuracy (default 5, at most the number of classes).", "k");
    private readonly Option<int?> _batchSize = CliOptions.Value<int>("--batch-size", "Images per forward pass (default 64).", "n");

    /// <summary>Creates the command and its options.</summary>
    public EvaluateCommand()
        : base("evaluate", "Score a model (the ML.NET model zip camloss train writes, through ML.NET; an exported ONNX file on ONNX Runtime; a training run folder or checkpoint; or a PyTorch checkpoint with --arch) on a data set: MicroAccuracy, MacroAccuracy, LogLoss, TopKAccuracy and the confusion matrix.")
    {
        _model.AddTo(Command);
        _data.AddTo(Command);
        Add(_json, _topK, _batchSize);
    }

    /// <inheritdoc />
    public override int Execute(ParseResult parse, CliContext context)
    {
        var topK = AtLeastOne(parse.GetValue(_topK) ?? 5, "--top-k");
        var (source, data) = _data.LoadSplit(parse);
        using var model = _model.LoadForScoring(parse, data.Classes, "--data");
        context.CancellationToken.ThrowIfCancellationRequested();
        var localize = model.HasCam && LocalizationScoring.Applies(data, source.IsGrayscale);
        var scored = model.Transform(data, new ScoringOptions { BatchSize = AtLeastOne(parse.GetValue(_batchSize) ?? new ScoringOptions().BatchSize, "--batch-size"), IncludeCam = localize });
        var metrics = scored.Evaluate(topK);
        var localization = localize ? LocalizationScoring.Evaluate(scored, data, model.Preprocessing, source.IsGrayscale) : null;
        if (parse.GetValue(_json))
        {
            var json = MulticlassEvaluation.ToJson(metrics, scored.ClassNames);
            if (localization is not null)
            {
                json[EvaluationFile.LocalizationField] = EvaluationFile.ToJson(localization);
            }

            json["SkippedImages"] = SkipReporting.ToJson(data.SkipReport);
            context.Stdout.WriteLine(json.ToJsonString(Indented));
        }
        else
        {
            var console = Consoles.Create(context);
            MetricsWriter.Write(console, metrics, $"{model} on {MulticlassEvaluation.Count(metrics)} images of {source.Root}");
            if (localization is not null)
            {
                console.Profile.Out.Writer.WriteLine($"Localisation ({(source.IsGrayscale ? "the foreground" : "the boxes")} as the object): {localization}");
            }

            SkipReporting.Write(console, "evaluation", data.SkipReport, "evaluate --json's SkippedImages");
        }

        return ExitCodes.Success;
    }
}
