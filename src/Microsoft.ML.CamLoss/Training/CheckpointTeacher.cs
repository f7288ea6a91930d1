using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// A distillation teacher from a training checkpoint (<see cref="ImageClassificationTrainer.CheckpointFileName"/>, written
/// every epoch when <see cref="ImageClassificationTrainerOptions.CheckpointDirectory"/> is set): the way to distil from a
/// model trained through the ML.NET API, whose model zip holds the network as ONNX, not as TorchSharp weights. The
/// checkpoint's manifest says the network (the options' architecture, or <see cref="Architecture.ResNet18Cntk"/> for a run
/// from the ImageNet weights, as <see cref="StartingWeights"/> resolves it), its head (linear or cosine) and the class names;
/// the weights are the checkpoint's, or its best epoch's when the run restored its best weights (early stopping).
/// </summary>
/// <remarks>
/// As with a model-file teacher, the teacher reads the student's preprocessed batch: a teacher trained with
/// <c>NormalizeImageNet</c> wants a student pipeline with <c>NormalizeImageNet</c>. A teacher trained from the ImageNet
/// weights normalised with their mean image, which a student pipeline cannot give it, so such a checkpoint is refused.
/// </remarks>
internal static class CheckpointTeacher
{
    /// <summary>
    /// True when <paramref name="path"/> is a CamLoss archive (a zip with its manifest): a training checkpoint, or a
    /// version 1 model file, which opening it as a checkpoint refuses with a message saying so.
    /// </summary>
    public static bool IsCamLossArchive(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.GetEntry(ModelArchiveLayout.ManifestFileName) is not { } entry)
            {
                return false;
            }

            using var stream = entry.Open();
            return JsonNode.Parse(stream)?["format"] is JsonValue format && format.TryGetValue<string>(out var kind) && kind is ModelArchive.CheckpointKind or ModelArchive.ModelKind;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
        {
            return false;
        }
    }

    /// <summary>The checkpoint's network with its weights, on the CPU, for <paramref name="numClasses"/> classes.</summary>
    /// <exception cref="ArgumentException">The checkpoint knows another number of classes, or its run started from the ImageNet weights.</exception>
    /// <exception cref="ModelFileException">The checkpoint is damaged or lacks what a teacher needs.</exception>
    public static Backbone Load(string path, int numClasses)
    {
        using var archive = ModelArchive.Open(path, ModelArchive.CheckpointKind);
        var manifest = archive.Manifest;
        var options = manifest["trainerOptions"] as JsonObject ?? throw new ModelFileException(path, "this checkpoint has no trainer options, so its network is unknown; train the teacher again with this library's version.");
        var classes = manifest["fingerprint"]?["classNames"] as JsonArray ?? throw new ModelFileException(path, "this checkpoint has no class names; train the teacher again with this library's version.");
        if (classes.Count != numClasses)
        {
            throw new ArgumentException($"Teacher '{path}' predicts {classes.Count} classes but the training data has {numClasses}; a teacher must know the student's classes.");
        }

        var start = new ImageClassificationTrainerOptions
        {
            Architecture = Read(options, nameof(ImageClassificationTrainerOptions.Architecture), Architecture.ResNet18),
            PretrainedWeights = Read(options, nameof(ImageClassificationTrainerOptions.PretrainedWeights), PretrainedWeights.Default),
            PretrainedWeightsPath = (string?)options[nameof(ImageClassificationTrainerOptions.PretrainedWeightsPath)],
        };
        var (imageNet, architecture) = StartingWeights.Resolve(start, imageNetByDefault: (string?)manifest["trainer"] != "CcmDistillation");
        if (imageNet)
        {
            throw new ArgumentException(
                $"Teacher '{path}' was trained from the ImageNet weights, which normalise with their own mean image; the teacher reads the student's batch, which cannot give it that. " +
                "Train the teacher with PretrainedWeights = None or a PyTorch checkpoint (PretrainedWeightsPath) and NormalizeImageNet, as the student.");
        }

        var restoresBest = options[nameof(ImageClassificationTrainerOptions.EarlyStopping)]?[nameof(EarlyStoppingOptions.RestoreBestWeights)]?.GetValue<bool>() == true;
        var entry = restoresBest && archive.EntryNames.Contains(TrainingRun.BestWeightsEntry) ? TrainingRun.BestWeightsEntry : TrainingRun.WeightsEntry;
        var teacher = Backbones.Create(architecture, numClasses);
        try
        {
            if (options[nameof(ImageClassificationTrainerOptions.CosineClassifierScale)]?.GetValue<double>() is { } scale)
            {
                teacher.UseCosineClassifier(scale);
            }

            using var scope = NewDisposeScope();
            var weights = archive.ReadTensors(entry);
            try
            {
                teacher.LoadStateDict(weights);
            }
            finally
            {
                foreach (var tensor in weights.Values)
                {
                    tensor.Dispose();
                }
            }

            return teacher;
        }
        catch
        {
            teacher.Dispose();
            throw;
        }
    }

    private static TEnum Read<TEnum>(JsonObject options, string name, TEnum fallback)
        where TEnum : struct, Enum =>
        options[name] is JsonValue value && value.TryGetValue<string>(out var text) && Enum.TryParse<TEnum>(text, out var parsed) ? parsed : fallback;
}
