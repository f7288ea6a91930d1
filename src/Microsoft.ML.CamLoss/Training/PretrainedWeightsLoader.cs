using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>Loads starting weights into a new backbone from a training checkpoint (its last weights), a CamLoss weights file, a PyTorch checkpoint or safetensors.</summary>
internal static class PretrainedWeightsLoader
{
    /// <summary>
    /// Copies the weights at <paramref name="path"/> into <paramref name="network"/>, whose head has
    /// <paramref name="numClasses"/> outputs. A head of another size is an error unless
    /// <paramref name="replaceClassifier"/>, which keeps the network's fresh head instead. <paramref name="advice"/> replaces
    /// the errors' last sentence (what a trainer's user can do) for callers whose user has other choices.
    /// </summary>
    public static void Load(Backbone network, string path, int numClasses, bool replaceClassifier, string? advice = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Pretrained weights file '{path}' does not exist.", path);
        }

        using var scope = NewDisposeScope();
        var state = Read(path);
        try
        {
            LoadInto(network, path, state, numClasses, replaceClassifier, advice);
        }
        finally
        {
            foreach (var tensor in state.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static void LoadInto(Backbone network, string path, OrderedDictionary<string, Tensor> state, int numClasses, bool replaceClassifier, string? advice)
    {
        var head = network.ClassifierName + ".weight";
        var newHead = false;
        if (state.TryGetValue(head, out var weight) && weight.dim() == 2 && weight.shape[0] != numClasses)
        {
            if (!replaceClassifier)
            {
                throw new ArgumentException(
                    $"Pretrained weights '{path}' have a classifier for {weight.shape[0]} classes ({head} [{string.Join(", ", weight.shape)}]) but the data has {numClasses} classes. " +
                    (advice ?? $"Set ReplaceClassifier = true (camloss: --replace-classifier) to fine-tune them with a new {numClasses}-class head, or start from weights trained on these classes."));
            }

            state.Remove(head, out var removedWeight);
            state.Remove(network.ClassifierName + ".bias", out var removedBias);
            removedWeight?.Dispose();
            removedBias?.Dispose();
            newHead = true;
        }

        StateDictLoadResult result;
        try
        {
            result = network.LoadStateDict(state, strict: false);
        }
        catch (InvalidOperationException e)
        {
            throw Misfit(path, network, e.Message, advice, e);
        }

        var missing = result.MissingKeys.Where(k => !(newHead && k.StartsWith(network.ClassifierName + ".", StringComparison.Ordinal))).ToList();
        if (missing.Count > 0 || result.UnexpectedKeys.Count > 0)
        {
            throw Misfit(path, network, $"missing keys: {Keys(missing)}; unexpected keys: {Keys(result.UnexpectedKeys)}", advice, null);
        }
    }

    private static ArgumentException Misfit(string path, Backbone network, string details, string? advice, Exception? inner) =>
        new($"Pretrained weights '{path}' do not fit {network.GetType().Name} ({details}). {advice ?? "Check that they were trained with the architecture chosen in the options."}", inner);

    private static string Keys(IReadOnlyList<string> keys) =>
        keys.Count == 0 ? "none" : string.Join(", ", keys.Take(8)) + (keys.Count > 8 ? $", … ({keys.Count} in all)" : string.Empty);

    private static OrderedDictionary<string, Tensor> Read(string path)
    {
        if (CheckpointTeacher.IsCamLossArchive(path))
        {
            using var archive = ModelArchive.Open(path, ModelArchive.CheckpointKind);
            return archive.ReadTensors(TrainingRun.WeightsEntry);
        }

        return StateDictFile.Read(path);
    }
}
