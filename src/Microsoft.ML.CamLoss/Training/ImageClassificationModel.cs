using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// A trained image classifier: the fitted chain of the scoring preprocessing (the training
/// pipeline's deterministic variant) and the network. <see cref="Transform"/> scores a data set in
/// batches; <see cref="CreatePredictionEngine"/> scores single images; its file is the training checkpoint
/// (<see cref="FromCheckpoint"/>), and an ML.NET pipeline holds it as ONNX. Scoring never changes the model, and one
/// model may be scored from many threads at once. Dispose it to release the network's native memory.
/// </summary>
/// <remarks>
/// Scoring runs the network in evaluation mode under <c>torch.no_grad()</c>, inside a TorchSharp
/// dispose scope per call: both are per thread in TorchSharp, so concurrent calls do not disturb each
/// other, and nothing a call makes outlives it except the managed results.
/// </remarks>
public sealed class ImageClassificationModel : IDisposable
{
    internal ImageClassificationModel(
        Backbone network, Architecture architecture, IReadOnlyList<string> classNames, ImagePipeline preprocessing,
        long[] inputShape, string trainerName, IReadOnlyList<EpochSummary> history, System.Text.Json.Nodes.JsonObject? trainerOptions)
    {
        if (network.NumClasses != classNames.Count)
        {
            throw new ArgumentException($"The network predicts {network.NumClasses} classes but {classNames.Count} class names were given.", nameof(classNames));
        }

        Network = network;
        Network.eval();
        Architecture = architecture;
        ClassNames = classNames;
        Preprocessing = preprocessing.IsScoring ? preprocessing : preprocessing.ForScoring();
        InputShape = inputShape;
        TrainerName = trainerName;
        History = history;
        TrainerOptions = trainerOptions;
    }

    /// <summary>
    /// The model a training run left in its checkpoint (<see cref="ImageClassificationTrainerOptions.CheckpointDirectory"/>):
    /// the best epoch's weights when early stopping restores them, the last step's otherwise — the model training returned.
    /// </summary>
    /// <param name="path">The checkpoint file, or the run folder that holds it.</param>
    /// <exception cref="Serialization.ModelFileException">Missing, damaged, not a checkpoint, or from a version whose checkpoints did not describe their model.</exception>
    public static ImageClassificationModel FromCheckpoint(string path) => CheckpointModel.Load(path);

    /// <summary>
    /// A model from a PyTorch checkpoint (<c>torch.save</c> of a state dict, or any weights file the restricted reader takes)
    /// whose architecture you know, with the class names and preprocessing it was trained with.
    /// </summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="architecture">Its architecture (the state-dict names must match).</param>
    /// <param name="classNames">Its classes, in output order.</param>
    /// <param name="preprocessing">The preprocessing it expects (its scoring variant is used); default: decoding only.</param>
    /// <param name="inputShape">Its input <c>[C, H, W]</c>, informational; default <c>[3, 0, 0]</c> (any size).</param>
    /// <exception cref="Serialization.ModelFileException">The file is missing, damaged or holds something other than tensors.</exception>
    /// <exception cref="ArgumentException">The weights do not fit <paramref name="architecture"/> with that many classes.</exception>
    public static ImageClassificationModel FromPyTorchCheckpoint(
        string path, Architecture architecture, IReadOnlyList<string> classNames, ImagePipeline? preprocessing = null, IReadOnlyList<long>? inputShape = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(classNames);
        var network = Backbones.Create(architecture, classNames.Count);
        try
        {
            PretrainedWeightsLoader.Load(network, path, classNames.Count, replaceClassifier: false);
            return new ImageClassificationModel(network, architecture, [.. classNames], preprocessing ?? new ImagePipeline(), [.. inputShape ?? [3, 0, 0]], "PyTorchCheckpoint", [], null);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The network (in evaluation mode).</summary>
    public Backbone Network { get; }

    /// <summary>The network's architecture.</summary>
    public Architecture Architecture { get; }

    /// <summary>The classes, in the order of <see cref="ImagePrediction.Score"/>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The preprocessing applied to every image before the network (deterministic: resize, centre crop, normalise …).</summary>
    public ImagePipeline Preprocessing { get; }

    /// <summary>The network's input <c>[C, H, W]</c> after <see cref="Preprocessing"/>.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The trainer that produced the model (<c>CamLoss</c>, <c>CrossEntropy</c>, <c>Icasc</c>, <c>CcmDistillation</c>, or <c>PyTorchCheckpoint</c>).</summary>
    public string TrainerName { get; }

    /// <summary>One summary per trained epoch (empty for imported checkpoints).</summary>
    public IReadOnlyList<EpochSummary> History { get; }

    /// <summary>The trainer's options as recorded in the checkpoint (null for imported PyTorch checkpoints).</summary>
    public System.Text.Json.Nodes.JsonObject? TrainerOptions { get; }

    /// <summary>
    /// Scores every image of <paramref name="data"/> in batches, in data-set order. The data set's
    /// labels are matched to the model's classes by name.
    /// </summary>
    /// <exception cref="ArgumentException">The data set has images of a class the model was not trained on.</exception>
    /// <exception cref="DatasetException">An image cannot be read.</exception>
    public ScoredImageData Transform(ImageDataset data, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ScoringOptions();
        var labelMap = MapLabels(ClassNames, data);
        var camClass = CamClassIndex(options);
        var loader = new ImageLoader(data, Preprocessing, new ImageLoaderOptions
        {
            BatchSize = options.BatchSize,
            Shuffle = false,
            Device = NetworkDevice,
            Workers = Math.Min(Environment.ProcessorCount, 4),
        });
        var predictions = new List<ImagePrediction>(data.Count);
        var labels = new List<int>(data.Count);
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                var sources = batch.Indices.Select(i => data[i].Image.Name).ToArray();
                predictions.AddRange(Score(batch.Images, sources, options, camClass));
                labels.AddRange(batch.Indices.Select(i => labelMap[data[i].Label]));
            }
        }

        return new ScoredImageData(ClassNames, [.. predictions], [.. labels]);
    }

    /// <summary>A prediction engine over this model (thread-safe; see <see cref="ImagePredictionEngine"/>).</summary>
    /// <param name="options">Which maps to return with each prediction; default none.</param>
    public ImagePredictionEngine CreatePredictionEngine(ScoringOptions? options = null) => new(this, options ?? new ScoringOptions());

    /// <summary>Releases the network.</summary>
    public void Dispose() => Network.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"{TrainerName} {Architecture}, {ClassNames.Count} classes, input [{string.Join(", ", InputShape)}]";

    /// <summary>The device the network's weights are on (where scoring runs).</summary>
    internal Device NetworkDevice => Network.Classifier.weight.device;

    /// <summary>Scores a preprocessed float batch <c>[B, C, H, W]</c> (any device: it is moved to the network's).</summary>
    /// <exception cref="ArgumentException">The batch does not fit the network (its message says how).</exception>
    /// <exception cref="TorchException">libtorch failed (one line; the full text is the inner exception).</exception>
    internal ImagePrediction[] Score(Tensor images, IReadOnlyList<string> sources, ScoringOptions options, int camClass)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        if (Network.training)
        {
            // Someone switched the network to training mode: scoring always uses the running statistics.
            Network.eval();
        }

        var output = Network.forward(TorchErrors.Run(() => images.to(NetworkDevice), "moving the images to the network's device"));
        var probabilities = TorchErrors.Run(
            () => nn.functional.softmax(output.Logits, 1).to(ScalarType.Float32).cpu().data<float>().ToArray(),
            "computing class probabilities");
        var count = sources.Count;
        var classes = ClassNames.Count;
        var scores = new float[count][];
        for (var b = 0; b < count; b++)
        {
            scores[b] = probabilities.AsSpan(b * classes, classes).ToArray();
        }

        Heatmap[]? cams = null, caams = null;
        var camClasses = new int[count];
        if (options.IncludeCam)
        {
            for (var b = 0; b < count; b++)
            {
                camClasses[b] = camClass >= 0 ? camClass : Array.IndexOf(scores[b], scores[b].Max());
            }

            var index = torch.tensor(camClasses.Select(c => (long)c).ToArray(), device: output.Last.device);
            cams = Maps(ActivationMaps.Cam(output.Last, Network.Classifier.weight, index), options.Resolution, images);
        }

        if (options.IncludeCaam)
        {
            caams = Maps(ActivationMaps.Caam(output.Last), options.Resolution, images);
        }

        var predictions = new ImagePrediction[count];
        for (var b = 0; b < count; b++)
        {
            predictions[b] = new ImagePrediction(sources[b], ClassNames, scores[b], cams?[b], caams?[b], options.IncludeCam ? camClasses[b] : -1);
        }

        return predictions;
    }

    /// <summary>The class index of <see cref="ScoringOptions.CamClass"/>, or −1 for "the predicted class".</summary>
    internal int CamClassIndex(ScoringOptions options) => CamClassIndex(ClassNames, options);

    /// <summary>The index of <see cref="ScoringOptions.CamClass"/> in <paramref name="classNames"/>, or −1 for "the predicted class".</summary>
    internal static int CamClassIndex(IReadOnlyList<string> classNames, ScoringOptions options)
    {
        if (options.CamClass is null)
        {
            return -1;
        }

        var index = classNames.ToList().IndexOf(options.CamClass);
        return index >= 0
            ? index
            : throw new ArgumentException($"CamClass '{options.CamClass}' is not one of the model's {classNames.Count} classes ({Preview(classNames)}).", nameof(options));
    }

    /// <summary>One heatmap per image of <paramref name="maps"/> <c>[B, h, w]</c>, bilinearly resized to the input's size for <see cref="MapResolution.Input"/>.</summary>
    internal static Heatmap[] Maps(Tensor maps, MapResolution resolution, Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        if (resolution == MapResolution.Input)
        {
            // F.interpolate(maps[:, None], size=(H, W), mode="bilinear", align_corners=False)[:, 0], as version 1.
            maps = TorchErrors.Run(
                () => nn.functional.interpolate(maps.unsqueeze(1), [images.shape[2], images.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1),
                "resizing the activation maps to the input size");
        }

        maps = maps.cpu();
        return [.. Enumerable.Range(0, (int)maps.shape[0]).Select(b => Heatmap.FromTensor(maps.select(0, b)))];
    }

    /// <summary>For each class index of <paramref name="data"/>, the index in <paramref name="classNames"/> of the same name (−1 where the model lacks it and no image uses it).</summary>
    internal static int[] MapLabels(IReadOnlyList<string> classNames, ImageDataset data)
    {
        var modelIndex = classNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var map = data.Classes.Select(name => modelIndex.GetValueOrDefault(name, -1)).ToArray();
        var counts = data.CountPerClass();
        var unknown = Enumerable.Range(0, map.Length).Where(c => map[c] < 0 && counts[c] > 0).ToList();
        if (unknown.Count > 0)
        {
            var c = unknown[0];
            var first = data.First(s => s.Label == c).Image.Name;
            throw new ArgumentException(
                $"Data set '{data.Name}' has {counts[c]} image(s) labelled '{data.Classes[c]}' (first: {first}), a class the model was not trained on" +
                (unknown.Count > 1 ? $" (also: {string.Join(", ", unknown.Skip(1).Select(u => $"'{data.Classes[u]}'"))})" : string.Empty) +
                $". The model knows {classNames.Count} classes: {Preview(classNames)}. Remove those images or retrain with them.",
                nameof(data));
        }

        return map;
    }

    internal static string Preview(IReadOnlyList<string> names) =>
        names.Count <= 12 ? string.Join(", ", names) : string.Join(", ", names.Take(12)) + $", … ({names.Count - 12} more)";
}
