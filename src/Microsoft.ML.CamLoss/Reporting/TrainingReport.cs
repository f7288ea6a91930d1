using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// The report of a training run as one self-contained HTML page (the library side of
/// <c>camloss report</c>): the run's facts, its training curves, the confusion matrix and metrics,
/// and the CAM/CAAM gallery. The page needs nothing but itself: style inline, plots as inline SVG,
/// pictures embedded as PNG <c>data:</c> URIs, no script, no fonts or files fetched from anywhere.
/// Its markup is well-formed XML as well as HTML.
/// </summary>
/// <remarks>
/// What the run folder may hold, and what the page makes of it:
/// <list type="bullet">
/// <item><c>training.jsonl</c> (required; written during training when
/// <c>CheckpointDirectory</c> is set): plots of train and validation error per epoch, the total
/// loss and every loss term over training, α per epoch and the learning rate per logged step. A
/// resumed run appends to the file; the last record of each (epoch, step) is used.</item>
/// <item><c>evaluation.json</c> (optional, <c>MulticlassEvaluation.ToJson</c>): the
/// metrics and confusion matrix shown; without it, those of the last epoch's validation. With a <c>Localization</c>
/// object (<see cref="EvaluationFile"/>), an explanation-quality table as well.</item>
/// <item><c>gallery/gallery.json</c> with its pictures (optional, from
/// <see cref="ExplanationGallery.Write(Microsoft.ML.CamLoss.Training.ImageClassificationModel, Data.ImageDataset, string, int, ulong)"/>): the CAM/CAAM gallery.</item>
/// <item><c>model.json</c> (optional, one JSON object) and the training checkpoint: facts in the title block.</item>
/// </list>
/// A run cut short (even inside its first epoch) still gets a page; it lists what is missing.
/// </remarks>
public static class TrainingReport
{
    /// <summary>The run log's file name.</summary>
    public const string LogFileName = "training.jsonl";

    /// <summary>File name of the test-set metrics (<c>MulticlassEvaluation.ToJson</c>).</summary>
    public const string EvaluationFileName = "evaluation.json";

    /// <summary>File name of the optional facts about the model (one JSON object; every top-level value is shown).</summary>
    public const string ModelFileName = "model.json";

    /// <summary>Folder of the CAM/CAAM gallery inside the run folder.</summary>
    public const string GalleryDirectoryName = "gallery";

    /// <summary>Writes the report of the run in <paramref name="runDirectory"/> to <paramref name="outputHtmlPath"/> (replacing it atomically; its folder is created if needed).</summary>
    /// <param name="runDirectory">The run folder (the trainer's <c>CheckpointDirectory</c>).</param>
    /// <param name="outputHtmlPath">The HTML file to write.</param>
    /// <exception cref="ArgumentException">A path is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The run folder has no <c>training.jsonl</c> (the message names the file it looked for).</exception>
    public static void Write(string runDirectory, string outputHtmlPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        ArgumentException.ThrowIfNullOrEmpty(outputHtmlPath);
        var run = Path.GetFullPath(runDirectory);
        var logPath = Path.Combine(run, LogFileName);
        if (!File.Exists(logPath))
        {
            var why = Directory.Exists(run) ? "does not exist" : "does not exist (nor does the folder)";
            throw new FileNotFoundException(
                $"Cannot write a training report: the run log {logPath} {why}. Training writes it into the trainer's CheckpointDirectory; pass that folder.",
                logPath);
        }

        var history = RunHistory.Load(logPath);
        var missing = new List<string>(history.Problems.Select(p => $"{LogFileName}: {p}."));
        var facts = RunFacts.Collect(run, history, missing);
        var charts = ReportCharts.Render(history, missing);
        var evaluation = Evaluation(run, history, missing);
        var gallery = GallerySection.Render(Path.Combine(run, GalleryDirectoryName), missing);

        var name = Path.GetFileName(run.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var title = $"Training report: {name}";
        var body = HtmlPage.Element(
            "body",
            HtmlPage.Element("h1", title),
            HtmlPage.Element("p", new XAttribute("class", "subtitle"), Subtitle(facts, evaluation)),
            FactsTable(facts),
            missing.Count == 0 ? null : HtmlPage.Element(
                "div",
                new XAttribute("class", "notice"),
                new XAttribute("id", "missing"),
                HtmlPage.Element("b", "Not in this report:"),
                HtmlPage.Element("ul", missing.Select(m => HtmlPage.Element("li", m)))),
            HtmlPage.Element("h2", "Training curves"),
            charts.Count == 0 ? HtmlPage.Element("p", "No curves yet.") : HtmlPage.Element("div", new XAttribute("class", "charts"), charts),
            HtmlPage.Element("h2", "Evaluation"),
            evaluation is null
                ? HtmlPage.Element("p", "No metrics yet: there is no evaluation.json and no epoch with validation metrics.")
                : HtmlPage.Element(
                    "div",
                    new XAttribute("class", "evaluation"),
                    MetricsTable.Render(evaluation),
                    evaluation.Counts is null ? HtmlPage.Element("p", "The metrics have no confusion matrix.") : ConfusionMatrixTable.Render(evaluation)),
            evaluation?.Localization is null ? null : HtmlPage.Element("h2", "Explanation quality: does the CAM point at the object?"),
            evaluation?.Localization is not { } located ? null : LocalizationTable.Render(located, evaluation.Source),
            HtmlPage.Element("h2", "What the model looks at: CAM, CAAM and Grad-CAM"),
            gallery ?? HtmlPage.Element("p", "No gallery in this run folder."),
            HtmlPage.Element(
                "footer",
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by Microsoft.ML.CamLoss {typeof(TrainingReport).Assembly.GetName().Version} from {run}.")));

        var html = HtmlPage.Serialize(HtmlPage.Document(title, body));
        WriteAtomically(Path.GetFullPath(outputHtmlPath), html);
    }

    /// <summary>The test evaluation when there is one, else the last epoch's validation, else null.</summary>
    private static ReportMetrics? Evaluation(string run, RunHistory history, List<string> missing)
    {
        var path = Path.Combine(run, EvaluationFileName);
        if (File.Exists(path))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject json)
                {
                    return ReportMetrics.FromJson(json, $"test set ({EvaluationFileName})");
                }

                missing.Add($"{path} is not a JSON object; it is left out.");
            }
            catch (JsonException e)
            {
                missing.Add($"{path} is not valid JSON ({e.Message}); it is left out.");
            }
        }

        var last = history.Epochs.LastOrDefault(r => r.Validation is not null);
        if (last is null)
        {
            missing.Add($"No {EvaluationFileName} and no validation metrics in the log: no confusion matrix.");
            return null;
        }

        missing.Add($"No test-set evaluation ({EvaluationFileName}): the metrics and confusion matrix are the validation set's at epoch {last.Epoch + 1}.");
        return ReportMetrics.FromJson(last.Validation!, string.Create(CultureInfo.InvariantCulture, $"validation set, epoch {last.Epoch + 1}"));
    }

    private static string Subtitle(List<(string Name, string Value)> facts, ReportMetrics? evaluation)
    {
        var parts = new List<string>();
        foreach (var key in new[] { "trainer", "Architecture" })
        {
            if (RunFacts.Find(facts, key) is { } value)
            {
                parts.Add(value);
            }
        }

        if (RunFacts.Find(facts, "epochs finished") is { } epochs)
        {
            var planned = RunFacts.Find(facts, "Epochs");
            parts.Add(epochs == "0" ? "no epoch finished yet" : planned is null ? $"{epochs} epochs" : $"{epochs} of {planned} epochs");
        }

        if (evaluation?.MicroAccuracy is { } accuracy)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"accuracy {accuracy * 100:F2}% on the {evaluation.Source}"));
        }

        return parts.Count == 0 ? "A training run" : string.Join(" · ", parts);
    }

    private static XElement? FactsTable(List<(string Name, string Value)> facts) => facts.Count == 0 ? null : HtmlPage.Element(
        "table",
        new XAttribute("class", "facts"),
        new XAttribute("id", "facts"),
        HtmlPage.Element("tbody", facts.Select(f => HtmlPage.Element("tr", HtmlPage.Element("th", f.Name), HtmlPage.Element("td", f.Value)))));

    private static void WriteAtomically(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Serialization.AtomicFile.WriteAllText(path, text);
    }
}
