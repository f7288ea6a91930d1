using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Reporting;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Reporting;

/// <summary>
/// The report of a real (tiny) run (<see cref="TinyFlowersRun"/>: 2 epochs of 6 steps, progress every
/// 2 steps, validation each epoch, evaluation.json over 240 images), read the way a person's
/// browser and a script would: the whole page must parse as XML, every plot must hold the logged
/// data, the confusion matrix must add up, the pictures must decode, and nothing may point outside the file.
/// </summary>
[TestClass]
public sealed class TrainingReportTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Write_TinyFlowersRunWithGalleryAndEvaluation_PageHasEveryPlotMatrixGalleryAndNothingExternal()
    {
        var run = TinyFlowersRun.Get();
        using var folder = new Data.TempFolder();
        var runDirectory = run.CopyTo(Path.Combine(folder.Path, "run"));
        File.WriteAllText(Path.Combine(runDirectory, "model.json"), """{ "name": "flowers <tiny> & quick", "classes": 12, "epochs": 2 }""");
        var gallery = ExplanationGallery.Write(run.Model, run.Data, Path.Combine(runDirectory, "gallery"), count: 6);
        var output = Path.Combine(folder.Path, "out", "report.html");

        TrainingReport.Write(runDirectory, output);

        var html = File.ReadAllText(output);
        TestContext.AddResultFile(output);
        var page = XDocument.Parse(html).Root!;
        Assert.AreEqual("html", page.Name.LocalName);
        // Nothing is fetched: no script, no link, every src an embedded PNG, and outside the base64 data (where
        // the letters h-t-t-p can occur by chance) no "http" at all.
        Assert.DoesNotContain("http", Regex.Replace(html, "data:image/png;base64,[A-Za-z0-9+/=]+", "data:"), StringComparison.OrdinalIgnoreCase);
        Assert.IsFalse(page.Descendants().Any(e => e.Name.LocalName is "script" or "link" or "iframe" or "object"), "no script, link or embedded document");
        Assert.IsFalse(page.Descendants().Attributes("href").Any(), "no links");
        Assert.IsTrue(page.Descendants().Attributes("src").All(a => a.Value.StartsWith("data:image/png;base64,", StringComparison.Ordinal)), "every src is an embedded PNG");
        Assert.Contains("flowers <tiny> & quick", page.Descendants("td").Select(td => td.Value).ToArray(), "model.json's facts are shown, escaped");
        var facts = page.Descendants("table").Single(t => (string?)t.Attribute("id") == "facts").Descendants("th").Select(th => th.Value).ToArray();
        Assert.AreEqual(1, facts.Count(f => string.Equals(f, "epochs", StringComparison.OrdinalIgnoreCase)), "model.json's epochs and the trainer's Epochs, equal, are shown once");

        // Every plot holds the data of the log: one point per distinct (epoch, step) record, or per epoch.
        var log = ReadLog(Path.Combine(runDirectory, "training.jsonl"));
        var epochs = log.Where(r => (string)r["type"]! == "epoch").ToArray();
        Assert.HasCount(2, epochs);
        Assert.HasCount(2 + 4, log, "steps 2 and 4 of each 6-step epoch, and the two epoch ends");
        var plots = page.Descendants("svg").ToDictionary(s => (string)s.Attribute("data-plot")!);
        var terms = ((JsonObject)log[^1]["terms"]!).Select(t => t.Key).ToArray();
        Assert.Contains("cam", terms);
        CollectionAssert.IsSubsetOf(
            new[] { "error", "loss", "alpha", "learning-rate" }.Concat(terms.Select(t => "term-" + t)).ToArray(),
            plots.Keys.ToArray());
        AssertPoints(plots["error"], "train error", epochs.Length);
        AssertPoints(plots["error"], "validation error", epochs.Length);
        AssertPoints(plots["loss"], "running mean (steps)", log.Length);
        AssertPoints(plots["loss"], "epoch mean", epochs.Length);
        foreach (var term in terms)
        {
            AssertPoints(plots["term-" + term], "running mean (steps)", log.Length);
        }

        AssertPoints(plots["alpha"], "α", epochs.Length);
        AssertPoints(plots["learning-rate"], "learning rate", log.Length);
        Assert.IsTrue(plots.Values.All(s => s.Descendants("text").Any(t => t.Value == "epoch")), "every plot labels its x axis");

        // The confusion matrix is the test evaluation's: 12 × 12 counts adding up to the 240 evaluated images.
        var matrix = page.Descendants("table").Single(t => (string?)t.Attribute("id") == "confusion-matrix");
        var cells = matrix.Descendants("td").Where(td => ((string?)td.Attribute("class"))?.Split(' ').Contains("count") == true).ToArray();
        Assert.HasCount(12 * 12, cells);
        Assert.AreEqual(240, cells.Sum(c => long.Parse(c.Value, CultureInfo.InvariantCulture)));
        Assert.AreEqual((long)run.Metrics.ConfusionMatrix.Counts[3][3], long.Parse(cells.Single(c => (string)c.Attribute("data-truth")! == "3" && (string)c.Attribute("data-predicted")! == "3").Value, CultureInfo.InvariantCulture));
        CollectionAssert.AreEqual(run.Model.ClassNames.ToArray(), matrix.Descendants("th").Where(th => (string?)th.Attribute("class") == "truth").Select(th => th.Value).Take(12).ToArray());
        var micro = page.Descendants("table").Single(t => (string?)t.Attribute("id") == "metrics").Descendants("tr").Single(tr => tr.Element("th")!.Value == "MicroAccuracy");
        Assert.AreEqual((run.Metrics.MicroAccuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "%", micro.Elements("td").First().Value);

        // The gallery's six rows are embedded and decode to the row pictures' size.
        var pictures = page.Descendants("img").ToArray();
        Assert.HasCount(gallery.Entries.Count, pictures);
        foreach (var picture in pictures)
        {
            var bytes = Convert.FromBase64String(((string)picture.Attribute("src")!)["data:image/png;base64,".Length..]);
            using var scope = torch.NewDisposeScope();
            var decoded = Microsoft.ML.CamLoss.Data.ImageDecoding.DecodeRgb(bytes, "gallery row");
            CollectionAssert.AreEqual(new long[] { 128, (4 * 128) + (3 * ExplanationGallery.TileGap), 3 }, decoded.shape);
        }
    }

    [TestMethod]
    public void Write_EvaluationFileFromMLNetWithLocalization_ShowsItsMetricsMatrixAndLocalizationTable()
    {
        var run = TinyFlowersRun.Get();
        using var folder = new Data.TempFolder();
        var runDirectory = run.CopyTo(Path.Combine(folder.Path, "run"));
        string[] classes = ["a", "b", "c"];
        var metrics = ThreeClassMetrics();
        var localization = new LocalizationSummary(4, 0.625, 0.75, double.NaN, 1);

        EvaluationFile.Write(runDirectory, metrics, classes, localization);
        var output = Path.Combine(folder.Path, "report.html");
        TrainingReport.Write(runDirectory, output);

        var page = XDocument.Parse(File.ReadAllText(output)).Root!;
        string Value(string table, string row) => page.Descendants("table").Single(t => (string?)t.Attribute("id") == table)
            .Descendants("tr").Single(tr => tr.Element("th")!.Value == row).Elements("td").First().Value;
        Assert.AreEqual("75.00%", Value("metrics", "MicroAccuracy"));
        var matrix = page.Descendants("table").Single(t => (string?)t.Attribute("id") == "confusion-matrix");
        var count = matrix.Descendants("td").Single(td => (string?)td.Attribute("data-truth") == "2" && (string?)td.Attribute("data-predicted") == "0");
        Assert.AreEqual("1", count.Value, "the c image called a");
        Assert.AreEqual("62.50%", Value("localization", "mass on the object"));
        Assert.AreEqual("75.00%", Value("localization", "pointing game"));
        Assert.AreEqual("–", Value("localization", "top-5 % concentration"), "NaN is written as null and shown as a dash");
    }

    [TestMethod]
    public void EvaluationFile_ClassNamesOfAnotherSize_ThrowsNamingTheModelsClassNames()
    {
        using var folder = new Data.TempFolder();

        var e = Assert.ThrowsExactly<ArgumentException>(() => EvaluationFile.Write(folder.Path, ThreeClassMetrics(), ["a", "b"]));
        StringAssert.Contains(e.Message, "ClassNames");
    }

    [TestMethod]
    public void Write_ResumedRunAppendingEpochTwoAgain_KeepsLastRecordPerEpochAndStep()
    {
        var run = TinyFlowersRun.Get();
        using var folder = new Data.TempFolder();
        var runDirectory = run.CopyTo(Path.Combine(folder.Path, "run"));
        var logPath = Path.Combine(runDirectory, "training.jsonl");
        var lines = File.ReadAllLines(logPath);
        var secondEpoch = lines.Where(l => (int)JsonNode.Parse(l)!["epoch"]! == 1).ToArray();
        var replayed = secondEpoch.Select(l =>
        {
            var json = JsonNode.Parse(l)!.AsObject();
            json["trainAccuracy"] = 0.4242;
            return json.ToJsonString();
        });
        File.AppendAllLines(logPath, replayed);
        var output = Path.Combine(folder.Path, "report.html");

        TrainingReport.Write(runDirectory, output);

        var page = XDocument.Parse(File.ReadAllText(output)).Root!;
        var plots = page.Descendants("svg").ToDictionary(s => (string)s.Attribute("data-plot")!);
        AssertPoints(plots["loss"], "running mean (steps)", lines.Length);
        AssertPoints(plots["error"], "train error", 2);
        var facts = page.Descendants("table").Single(t => (string?)t.Attribute("id") == "facts");
        Assert.AreEqual("42.42%", facts.Descendants("tr").Single(tr => tr.Element("th")!.Value == "train accuracy (last epoch)").Element("td")!.Value, "the replayed record wins");
    }

    [TestMethod]
    public void Write_RunKilledInFirstEpoch_WritesPageThatSaysWhatIsMissing()
    {
        var run = TinyFlowersRun.Get();
        using var folder = new Data.TempFolder();
        var runDirectory = folder.Folder("killed");
        var first = File.ReadAllLines(Path.Combine(run.RunDirectory, "training.jsonl"))[0];
        File.WriteAllText(Path.Combine(runDirectory, "training.jsonl"), first + "\n" + first[..(first.Length / 2)]);
        var output = Path.Combine(folder.Path, "report.html");

        TrainingReport.Write(runDirectory, output);

        var page = XDocument.Parse(File.ReadAllText(output)).Root!;
        var notice = page.Descendants("div").Single(d => (string?)d.Attribute("id") == "missing").Value;
        StringAssert.Contains(notice, "No epoch has finished yet");
        StringAssert.Contains(notice, "line 2");
        StringAssert.Contains(notice, "no confusion matrix");
        StringAssert.Contains(notice, "gallery");
        var plots = page.Descendants("svg").ToDictionary(s => (string)s.Attribute("data-plot")!);
        Assert.IsFalse(plots.ContainsKey("error"));
        AssertPoints(plots["loss"], "running mean (steps)", 1);
        Assert.IsFalse(page.Descendants("table").Any(t => (string?)t.Attribute("id") == "confusion-matrix"));
    }

    [TestMethod]
    public void Write_FolderWithoutTrainingLog_ThrowsFileNotFoundNamingTheLog()
    {
        using var folder = new Data.TempFolder();

        var e = Assert.ThrowsExactly<FileNotFoundException>(() => TrainingReport.Write(folder.Path, Path.Combine(folder.Path, "report.html")));

        Assert.AreEqual(Path.Combine(folder.Path, "training.jsonl"), e.FileName);
        StringAssert.Contains(e.Message, Path.Combine(folder.Path, "training.jsonl"));
        Assert.IsFalse(File.Exists(Path.Combine(folder.Path, "report.html")));
    }

    /// <summary>The log's records, the last of each (epoch, step) kept, as the report promises to plot them.</summary>
    private static JsonObject[] ReadLog(string path) =>
        [.. File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!.AsObject())
            .GroupBy(r => ((int)r["epoch"]!, (int)r["step"]!)).Select(g => g.Last())];

    private static void AssertPoints(XElement svg, string series, int expected)
    {
        var line = svg.Elements("polyline").SingleOrDefault(p => (string?)p.Attribute("data-series") == series);
        Assert.IsNotNull(line, $"plot {(string?)svg.Attribute("data-plot")} has no series '{series}'");
        var points = ((string)line.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(expected, points, $"plot {(string?)svg.Attribute("data-plot")}, series '{series}'");
        Assert.AreEqual(expected, (int)line.Attribute("data-points")!);
        Assert.IsTrue(points.All(p => p.Split(',').Length == 2 && p.Split(',').All(v => double.TryParse(v, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))), string.Join(' ', points));
    }

    /// <summary>ML.NET's evaluation of four scored images of classes a, b, c: three right, the c image called a.</summary>
    private static Microsoft.ML.Data.MulticlassClassificationMetrics ThreeClassMetrics()
    {
        var ml = new MLContext(seed: 1);
        var keyData = ml.Data.LoadFromEnumerable(new[] { "a", "b", "c" }.Select(c => new ClassRow { Name = c }));
        var rows = ml.Data.LoadFromEnumerable(new[]
        {
            new ScoredRow { Label = "a", Predicted = "a", Score = [0.8f, 0.1f, 0.1f] },
            new ScoredRow { Label = "b", Predicted = "b", Score = [0.2f, 0.7f, 0.1f] },
            new ScoredRow { Label = "c", Predicted = "a", Score = [0.5f, 0.1f, 0.4f] },
            new ScoredRow { Label = "a", Predicted = "a", Score = [0.6f, 0.3f, 0.1f] },
        });
        var scored = ml.Transforms.Conversion.MapValueToKey("Label", keyData: keyData)
            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", "Predicted", keyData: keyData))
            .Fit(rows).Transform(rows);
        return ml.MulticlassClassification.Evaluate(scored);
    }

    private sealed class ClassRow
    {
        public string Name { get; set; } = string.Empty;
    }

    private sealed class ScoredRow
    {
        public string Label { get; set; } = string.Empty;

        public string Predicted { get; set; } = string.Empty;

        [Microsoft.ML.Data.VectorType(3)]
        public float[] Score { get; set; } = [];
    }
}
