using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// A distillation teacher from a training checkpoint (<see cref="ImageClassificationTrainer.CheckpointFileName"/>, written
/// every epoch when <see cref="ImageClassificationTrainerOptions.CheckpointDirectory"/> is set): the way to distil from a
/// model trained through the ML.NET API, whose model zip holds the network as ONNX, not as TorchSharp weights. The
/// network, its head and classes and the weights (the best epoch's when the run restored them) are the checkpoint's model,
/// as <see cref="CheckpointModel"/> reads it.
/// </summary>
/// <remarks>
/// The teacher reads the student's preprocessed batch: a teacher trained with
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

    /// <summary>The checkpoint's network with its weights (<see cref="CheckpointModel.Load"/>), on the CPU, for <paramref name="numClasses"/> classes.</summary>
    /// <exception cref="ArgumentException">The checkpoint knows another number of classes, or its run started from the ImageNet weights.</exception>
    /// <exception cref="ModelFileException">The checkpoint is damaged or does not describe its model.</exception>
    public static Backbone Load(string path, int numClasses)
    {
        var model = CheckpointModel.Load(path);
        try
        {
            if (model.ClassNames.Count != numClasses)
            {
                throw new ArgumentException($"Teacher '{path}' predicts {model.ClassNames.Count} classes but the training data has {numClasses}; a teacher must know the student's classes.");
            }

            if (model.Preprocessing.Transforms.Any(t => t is MeanImageNormalizeTransform))
            {
                throw new ArgumentException(
                    $"Teacher '{path}' was trained from the ImageNet weights, which normalise with their own mean image; the teacher reads the student's batch, which cannot give it that. " +
                    "Train the teacher with PretrainedWeights = None or a PyTorch checkpoint (PretrainedWeightsPath) and NormalizeImageNet, as the student.");
            }

            return model.Network;   // the model's only resource: the caller owns the network now
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
