using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// The trained model inside a training checkpoint. The checkpoint is the library's one file of a TorchSharp network:
/// besides what resuming needs, its manifest's <c>model</c> object records what scoring needs — architecture, class
/// names, input shape, the scoring preprocessing, a cosine head's scale — so the network that ONNX export, Grad-CAM
/// and distillation work on comes from the run folder, and the deployable model is ML.NET's zip.
/// </summary>
/// <remarks>
/// Kept ours (ML.NET has no checkpoint of a TorchSharp network): the archive is <see cref="ModelArchive"/>, whose
/// reader refuses anything but tensors and checks every entry's checksum.
/// </remarks>
internal static class CheckpointModel
{
    /// <summary>The manifest key of the model's description.</summary>
    public const string ManifestKey = "model";

    /// <summary>The description of <paramref name="model"/> that <see cref="Load"/> reads back.</summary>
    public static JsonObject Describe(ImageClassificationModel model)
    {
        var description = new JsonObject
        {
            ["architecture"] = model.Architecture.ToString(),
            ["classNames"] = new JsonArray([.. model.ClassNames.Select(n => JsonValue.Create(n))]),
            ["inputShape"] = new JsonArray([.. model.InputShape.Select(n => JsonValue.Create(n))]),
            ["preprocessing"] = PreprocessingJson.Write(model.Preprocessing),
        };
        if (model.Network.CosineScale is { } cosineScale)
        {
            description["cosineClassifierScale"] = cosineScale;
        }

        return description;
    }

    /// <summary>
    /// The model of the checkpoint at <paramref name="path"/> (the file, or the run folder holding it), on the CPU: the best
    /// epoch's weights when the run restores them (early stopping's <c>RestoreBestWeights</c>), as training returned it; the
    /// last step's otherwise.
    /// </summary>
    /// <exception cref="ModelFileException">Missing, damaged, not a checkpoint, or written before checkpoints described their model.</exception>
    public static ImageClassificationModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = TrainingRun.CheckpointPath(path);

        using var archive = ModelArchive.Open(path, ModelArchive.CheckpointKind);
        var manifest = archive.Manifest;
        if (manifest[ManifestKey] is not JsonObject description)
        {
            throw new ModelFileException(path, "this checkpoint does not describe its model (it was written by an earlier version of the library); resume the run with this version, or train again.");
        }

        try
        {
            var architecture = Enum.TryParse<Architecture>(description["architecture"]?.GetValue<string>(), out var known)
                ? known
                : throw Corrupt(path, $"its architecture '{description["architecture"]}' is unknown to this library version (known: {string.Join(", ", Enum.GetNames<Architecture>())}); update Microsoft.ML.CamLoss");
            var classNames = description["classNames"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            if (classNames.Length == 0)
            {
                throw Corrupt(path, "it lists no classes");
            }

            if (classNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                throw Corrupt(path, $"its class name '{repeated.Key}' appears {repeated.Count()} times");
            }

            var inputShape = description["inputShape"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
            var preprocessing = PreprocessingJson.Read(description["preprocessing"]!.AsArray(), path);
            var trainerOptions = manifest["trainerOptions"] as JsonObject;
            var restoresBest = trainerOptions?[nameof(ImageClassificationTrainerOptions.EarlyStopping)]?[nameof(EarlyStoppingOptions.RestoreBestWeights)]?.GetValue<bool>() == true;
            var entry = restoresBest && archive.EntryNames.Contains(TrainingRun.BestWeightsEntry) ? TrainingRun.BestWeightsEntry : TrainingRun.WeightsEntry;
            var network = Backbones.Create(architecture, classNames.Length);
            try
            {
                if (description["cosineClassifierScale"] is { } cosineScale)
                {
                    network.UseCosineClassifier(cosineScale.GetValue<double>());
                }

                var weights = archive.ReadTensors(entry);
                try
                {
                    using var scope = torch.NewDisposeScope();
                    network.LoadStateDict(weights);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or TorchException)
                {
                    throw Corrupt(path, $"its weights do not fit a {architecture} with {classNames.Length} classes ({e.Message})", e);
                }
                finally
                {
                    foreach (var tensor in weights.Values)
                    {
                        tensor.Dispose();
                    }
                }

                return new ImageClassificationModel(
                    network, architecture, classNames, preprocessing, inputShape, manifest["trainer"]?.GetValue<string>() ?? "unknown",
                    ManifestJson.FromNode<List<EpochSummary>>(manifest["history"]) ?? [], trainerOptions is null ? null : (JsonObject)trainerOptions.DeepClone());
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or System.Text.Json.JsonException)
        {
            throw Corrupt(path, $"its model description is incomplete or malformed ({e.Message})", e);
        }
    }

    private static ModelFileException Corrupt(string path, string what, Exception? inner = null) =>
        new(path, $"cannot be loaded as a model: {what}.", inner);
}
