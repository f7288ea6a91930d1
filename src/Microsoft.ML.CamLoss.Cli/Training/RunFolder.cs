using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>
/// The folder a training run writes to (the trainer's checkpoint directory): <c>checkpoint.camloss-ckpt</c>
/// and <c>training.jsonl</c> from the library, and from the CLI <c>run.json</c> (command line and
/// seed, written at the start so <c>--resume</c> can reuse the seed), <c>evaluation.json</c> (test
/// metrics), <c>model.json</c> (facts about the model written) and <c>consume/</c> (a console project
/// that predicts with the ML.NET model <c>--output</c> names). The checkpoint describes its model, so
/// the folder is what <c>export</c> and <c>distill --teacher</c> take. Default: the <c>--output</c> path
/// without its extension plus <c>.run</c> (<c>flowers.zip</c>: <c>flowers.run/</c> beside it).
/// </summary>
internal sealed class RunFolder
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The run folder for a model written to <paramref name="modelPath"/>, or <paramref name="explicitFolder"/>.</summary>
    public RunFolder(string modelPath, string? explicitFolder)
    {
        var model = System.IO.Path.GetFullPath(modelPath);
        Folder = System.IO.Path.GetFullPath(explicitFolder ?? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(model)!, System.IO.Path.GetFileNameWithoutExtension(model) + ".run"));
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The resumable checkpoint.</summary>
    public string Checkpoint => File(ImageClassificationTrainer.CheckpointFileName);

    /// <summary>The library's progress log.</summary>
    public string Log => File("training.jsonl");

    /// <summary>The command line and seed.</summary>
    public string RunInfo => File("run.json");

    /// <summary>The test metrics, as <c>MulticlassEvaluation.ToJson</c>.</summary>
    public string Evaluation => File("evaluation.json");

    /// <summary>Facts about the model written.</summary>
    public string ModelInfo => File("model.json");

    /// <summary>The console project that consumes the ML.NET model (<see cref="ConsumptionProject"/>).</summary>
    public string Consumption => File(ConsumptionProject.FolderName);

    /// <summary>
    /// Checks the folder suits a new run (<paramref name="resume"/> false: no checkpoint from an
    /// earlier run, unless <paramref name="overwrite"/>, which deletes that run's files) or a resumed
    /// one (a checkpoint is there), then creates it.
    /// </summary>
    public void Prepare(bool resume, bool overwrite)
    {
        if (resume)
        {
            if (!System.IO.File.Exists(Checkpoint))
            {
                throw new CliException($"nothing to resume: there is no checkpoint at '{Checkpoint}' (pass the --output or --run-dir of the run to continue)");
            }

            return;
        }

        if (System.IO.File.Exists(Checkpoint) && !overwrite)
        {
            throw new CliException($"run folder '{Folder}' already holds a checkpoint from an earlier run; pass --resume to continue it, or --overwrite to start again");
        }

        Directory.CreateDirectory(Folder);
        foreach (var file in new[] { Checkpoint, Log, RunInfo, Evaluation, ModelInfo })
        {
            System.IO.File.Delete(file);
        }
    }

    /// <summary>Records the run's command line and seed.</summary>
    public void WriteRunInfo(string command, IEnumerable<string> arguments, int seed) => Write(RunInfo, new JsonObject
    {
        ["command"] = command,
        ["arguments"] = new JsonArray([.. arguments.Select(a => JsonValue.Create(a))]),
        ["seed"] = seed,
        ["started"] = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    });

    /// <summary>The seed <c>run.json</c> records, or null when there is none.</summary>
    public int? ReadSeed()
    {
        try
        {
            return System.IO.File.Exists(RunInfo) ? JsonNode.Parse(System.IO.File.ReadAllText(RunInfo))?["seed"]?.GetValue<int>() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="json"/> to <paramref name="path"/>, indented.</summary>
    public static void Write(string path, JsonNode json) => System.IO.File.WriteAllText(path, json.ToJsonString(Indented) + Environment.NewLine);

    private string File(string name) => System.IO.Path.Combine(Folder, name);
}
