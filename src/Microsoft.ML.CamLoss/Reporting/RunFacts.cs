using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// The facts at the top of the report, as (name, value) pairs, from what the run folder holds:
/// <c>model.json</c> (every top-level value, as written), the checkpoint's manifest (trainer and
/// its main options), and the run log (progress, accuracy, time, throughput).
/// </summary>
internal static class RunFacts
{
    /// <summary>Trainer options shown when the checkpoint has them, in this order.</summary>
    private static readonly string[] OptionKeys =
    [
        "Architecture", "Epochs", "BatchSize", "Optimizer", "LearningRate", "LearningRateDecay", "WeightDecay",
        "CamLossWeight", "CamLossStartEpoch", "AdaptiveStart", "ValidationFraction", "Seed",
    ];

    /// <summary>The facts of <paramref name="runDirectory"/>; unreadable optional files go to <paramref name="missing"/>.</summary>
    public static List<(string Name, string Value)> Collect(string runDirectory, RunHistory history, List<string> missing)
    {
        var facts = new List<(string Name, string Value)>();
        var modelJson = Path.Combine(runDirectory, TrainingReport.ModelFileName);
        if (File.Exists(modelJson))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllText(modelJson)) is JsonObject model)
                {
                    facts.AddRange(model.Where(p => p.Value is not null).Select(p => (p.Key, Show(p.Value!))));
                }
                else
                {
                    missing.Add($"{modelJson} is not a JSON object; its facts are left out.");
                }
            }
            catch (JsonException e)
            {
                missing.Add($"{modelJson} is not valid JSON ({e.Message}); its facts are left out.");
            }
        }

        var checkpoint = Path.Combine(runDirectory, ImageClassificationTrainer.CheckpointFileName);
        if (File.Exists(checkpoint))
        {
            try
            {
                using var archive = ModelArchive.Open(checkpoint, ModelArchive.CheckpointKind);
                Add(facts, "trainer", archive.Manifest["trainer"]);
                if (archive.Manifest["trainerOptions"] is JsonObject options)
                {
                    foreach (var key in OptionKeys)
                    {
                        Add(facts, key, options[key]);
                    }
                }
            }
            catch (Exception e) when (e is ModelFileException or IOException or InvalidDataException)
            {
                missing.Add($"The checkpoint {checkpoint} could not be read ({e.Message}); the trainer's options are left out.");
            }
        }

        var records = history.Records;
        if (records.Count > 0)
        {
            var last = records[^1];
            facts.Add(("epochs finished", history.Epochs.Count.ToString(CultureInfo.InvariantCulture)));
            facts.Add(("last logged", string.Create(CultureInfo.InvariantCulture, $"epoch {last.Epoch + 1}, step {last.Step} of {last.StepsPerEpoch}{(last.IsEpochEnd ? " (epoch end)" : string.Empty)}")));
            if (history.Epochs.Count > 0 && history.Epochs[^1].TrainAccuracy is { } train)
            {
                facts.Add(("train accuracy (last epoch)", Percent(train)));
            }

            var validated = history.Epochs
                .Select(r => (r.Epoch, Accuracy: JsonRead.Number(JsonRead.Property(r.Validation, "MicroAccuracy"))))
                .Where(v => v.Accuracy is not null)
                .ToArray();
            if (validated.Length > 0)
            {
                var best = validated.MaxBy(v => v.Accuracy!.Value);
                facts.Add(("validation accuracy (last epoch)", Percent(validated[^1].Accuracy!.Value)));
                facts.Add(("best validation accuracy", string.Create(CultureInfo.InvariantCulture, $"{Percent(best.Accuracy!.Value)} (epoch {best.Epoch + 1})")));
            }

            if (last.ElapsedSeconds is { } seconds)
            {
                facts.Add(("time (since the last start)", TimeSpan.FromSeconds(Math.Round(seconds)).ToString("c", CultureInfo.InvariantCulture)));
            }

            if (history.Epochs.Select(r => r.ImagesPerSecond).LastOrDefault(v => v is not null) is { } speed)
            {
                facts.Add(("throughput (last epoch)", string.Create(CultureInfo.InvariantCulture, $"{speed:F0} images/s")));
            }

            if (records.Select(r => r.Time).LastOrDefault(t => t is not null) is { } time)
            {
                facts.Add(("last record written (UTC)", time));
            }
        }

        return facts;
    }

    /// <summary>A JSON value as text: strings as they are, arrays of up to 12 simple values joined, anything else as compact JSON.</summary>
    private static string Show(JsonNode value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray a when a.Count <= 12 && a.All(i => i is JsonValue) => string.Join(", ", a.Select(i => Show(i!))),
        JsonArray a when a.All(i => i is JsonValue) => string.Create(CultureInfo.InvariantCulture, $"{a.Count} values: {string.Join(", ", a.Take(12).Select(i => Show(i!)))}, …"),
        _ => value.ToJsonString(),
    };

    /// <summary>
    /// Adds a checkpoint fact unless <c>model.json</c> already said the same under the same name in another
    /// case (<c>epochs</c> / <c>Epochs</c>): the page shows it once.
    /// </summary>
    private static void Add(List<(string Name, string Value)> facts, string name, JsonNode? value)
    {
        if (value is null)
        {
            return;
        }

        var shown = Show(value);
        if (!facts.Any(f => f.Value == shown && string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            facts.Add((name, shown));
        }
    }

    /// <summary>The value of the first fact named <paramref name="name"/>, ignoring case, or null.</summary>
    public static string? Find(List<(string Name, string Value)> facts, string name) =>
        facts.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Percent(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
