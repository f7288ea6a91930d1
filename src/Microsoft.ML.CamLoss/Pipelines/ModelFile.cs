using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Training;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>
/// Writes and reads model files (<see cref="ModelArchive.ModelKind"/>): the manifest carries
/// <c>architecture</c>, <c>classNames</c>, <c>inputShape</c>, <c>preprocessing</c>, <c>trainer</c>,
/// <c>trainerOptions</c> and <c>history</c>, and <c>cosineClassifierScale</c> for a network with a cosine head; the <c>weights</c> entry the network's state dict, in
/// PyTorch's order and names, as CPU tensors (a network on a GPU is copied tensor by tensor while writing).
/// </summary>
internal static class ModelFile
{
    public const string WeightsEntry = "weights";

    public static void Save(ImageClassificationModel model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var manifest = new JsonObject
        {
            ["architecture"] = model.Architecture.ToString(),
            ["classNames"] = new JsonArray([.. model.ClassNames.Select(n => JsonValue.Create(n))]),
            ["inputShape"] = new JsonArray([.. model.InputShape.Select(n => JsonValue.Create(n))]),
            ["preprocessing"] = PreprocessingJson.Write(model.Preprocessing),
            ["trainer"] = model.TrainerName,
            ["trainerOptions"] = model.TrainerOptions?.DeepClone(),
            ["history"] = ManifestJson.ToNode(model.History),
        };
        if (model.Network.CosineScale is { } cosineScale)
        {
            manifest["cosineClassifierScale"] = cosineScale;
        }

        // The network's live tensors, only read: the archive writer copies each to the CPU as it writes it.
        var weights = ModuleState.InPyTorchOrder(model.Network);
        ModelArchive.Write(path, ModelArchive.ModelKind, manifest, new Dictionary<string, IEnumerable<KeyValuePair<string, torch.Tensor>>> { [WeightsEntry] = weights });
    }

    public static ImageClassificationModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var archive = ModelArchive.Open(path, ModelArchive.ModelKind);
        var manifest = archive.Manifest;
        try
        {
            var architecture = ParseArchitecture(manifest["architecture"]?.GetValue<string>(), path);
            var classNames = manifest["classNames"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            if (classNames.Length == 0)
            {
                throw Corrupt(path, "it lists no classes");
            }

            if (classNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                throw Corrupt(path, $"its class name '{repeated.Key}' appears {repeated.Count()} times");
            }

            var inputShape = manifest["inputShape"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
            var preprocessing = PreprocessingJson.Read(manifest["preprocessing"]!.AsArray(), path);
            var history = ManifestJson.FromNode<List<EpochSummary>>(manifest["history"]) ?? [];
            var network = Backbones.Create(architecture, classNames.Length);
            try
            {
                if (manifest["cosineClassifierScale"] is { } cosineScale)
                {
                    network.UseCosineClassifier(cosineScale.GetValue<double>());
                }

                var weights = archive.ReadTensors(WeightsEntry);
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
                    network, architecture, classNames, preprocessing, inputShape, manifest["trainer"]?.GetValue<string>() ?? "unknown", history,
                    manifest["trainerOptions"] as JsonObject is { } options ? (JsonObject)options.DeepClone() : null);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or System.Text.Json.JsonException)
        {
            throw Corrupt(path, $"its manifest is incomplete or malformed ({e.Message})", e);
        }
    }

    /// <summary>A model from a PyTorch checkpoint (or any weights file <see cref="StateDictFile"/> reads) of a known architecture.</summary>
    public static ImageClassificationModel LoadPyTorchCheckpoint(string path, Architecture architecture, IReadOnlyList<string> classNames, ImagePipeline preprocessing, IReadOnlyList<long> inputShape) =>
        ImageClassificationModel.FromPyTorchCheckpoint(path, architecture, classNames, preprocessing, inputShape);

    /// <summary>Whether <paramref name="path"/> is a zip with a manifest (a model file or a checkpoint), as opposed to a weights file or PyTorch checkpoint.</summary>
    public static bool IsModelFile(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return zip.GetEntry("manifest.json") is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static Architecture ParseArchitecture(string? name, string path) =>
        Enum.TryParse<Architecture>(name, out var architecture)
            ? architecture
            : throw Corrupt(path, $"its architecture '{name}' is unknown to this library version (known: {string.Join(", ", Enum.GetNames<Architecture>())}); update Microsoft.ML.CamLoss");

    private static ModelFileException Corrupt(string path, string what, Exception? inner = null) =>
        new(path, $"cannot be loaded as a model: {what}.", inner);
}
