using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Checkpoints: after every epoch (and on cancellation) one archive
/// (<see cref="ModelArchive.CheckpointKind"/>, written atomically) holds the weights, the
/// optimiser state, the best weights so far, and in its manifest the position (epoch, step), the
/// objective's and early stopping's state, the epoch's running totals and the history. The data
/// order, augmentation and dropout need no saved state: they derive from (seed, epoch, step); nor
/// does the learning rate, a pure function of the step. The optimiser's state (SGD momentum,
/// AdamW moments and step counts) is saved as named tensors by <see cref="OptimizerStateDict"/>.
/// The weights are the float32 master weights whatever the precision; the manifest records the precision and,
/// in fp16, the loss scaler's state, so that a resumed run continues exactly.
/// </summary>
internal sealed partial class TrainingRun
{
    private const ulong DropoutStream = 0x44524F50;
    /// <summary>The checkpoint entry with the network's weights (what a distillation teacher reads, <see cref="CheckpointTeacher"/>).</summary>
    internal const string WeightsEntry = "weights";

    /// <summary>The checkpoint entry with the best weights early stopping keeps, when it restores them.</summary>
    internal const string BestWeightsEntry = "best-weights";

    private const string OptimizerEntry = "optimizer";

    private OrderedDictionary<string, Tensor>? _bestWeights;

    /// <summary>The checkpoint file for <paramref name="path"/>: the path itself, or the checkpoint inside a directory.</summary>
    public static string CheckpointPath(string path) => Directory.Exists(path) ? Path.Combine(path, ImageClassificationTrainer.CheckpointFileName) : path;

    /// <summary>Continues from a checkpoint of this same run (same trainer options, data and seed).</summary>
    public void Resume(string checkpointPath)
    {
        var path = CheckpointPath(checkpointPath);
        using var archive = ModelArchive.Open(path, ModelArchive.CheckpointKind);
        var manifest = archive.Manifest;
        CheckCompatible(path, manifest["fingerprint"] as JsonObject);
        OrderedDictionary<string, Tensor>? weights = null;
        OrderedDictionary<string, Tensor>? optimizer = null;
        try
        {
            // The archive's tensors belong to no dispose scope: this method disposes them.
            weights = archive.ReadTensors(WeightsEntry);
            optimizer = archive.ReadTensors(OptimizerEntry);
            _network.LoadStateDict(weights);
            OptimizerStateDict.Load(_optimizer, optimizer);
        }
        finally
        {
            DisposeAll(weights?.Values ?? Enumerable.Empty<Tensor>());
            DisposeAll(optimizer?.Values ?? Enumerable.Empty<Tensor>());
        }

        if (archive.EntryNames.Contains(BestWeightsEntry))
        {
            DisposeBestWeights();
            _bestWeights = Detached(archive.ReadTensors(BestWeightsEntry));
        }

        var position = manifest["position"]!;
        _position = (position["epoch"]!.GetValue<int>(), position["step"]!.GetValue<int>());
        _objective.LoadState(manifest["objective"]!.AsObject());
        if (manifest["earlyStopping"] is JsonObject early)
        {
            _earlyStopping?.Load(early);
        }

        if (manifest["epochTotals"] is JsonObject totals)
        {
            _totals = EpochTotals.Load(totals);
        }

        ResumePrecision(path, manifest["precision"] as JsonObject);

        _history.Clear();
        _history.AddRange(ManifestJson.FromNode<List<EpochSummary>>(manifest["history"]) ?? []);
        _logger.LogInformation("Resuming from {Checkpoint} at epoch {Epoch}, step {Step}", path, _position.Epoch + 1, _position.Step);
    }

    private void WriteCheckpoint(bool improved)
    {
        if (improved)
        {
            KeepBestWeights();
        }

        if (_options.CheckpointDirectory is not { } directory)
        {
            return;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var manifest = new JsonObject
        {
            ["trainer"] = _trainer.Name,
            ["fingerprint"] = Fingerprint(),
            ["trainerOptions"] = _trainer.OptionsJson(),
            ["position"] = new JsonObject { ["epoch"] = _position.Epoch, ["step"] = _position.Step },
            ["objective"] = _objective.SaveState(),
            ["earlyStopping"] = _earlyStopping?.Save(),
            ["epochTotals"] = _position.Step > 0 ? _totals.Save() : null,
            ["precision"] = PrecisionState(),
            ["history"] = ManifestJson.ToNode(_history),
            [CheckpointModel.ManifestKey] = CheckpointModel.Describe(_model),
        };
        var entries = new Dictionary<string, IEnumerable<KeyValuePair<string, Tensor>>>
        {
            [WeightsEntry] = _network.state_dict().Select(p => KeyValuePair.Create(p.Key, p.Value.to(CPU))),
            [OptimizerEntry] = OptimizerStateDict.Save(_optimizer),
        };
        if (_bestWeights is not null)
        {
            entries[BestWeightsEntry] = _bestWeights;
        }

        var path = CheckpointPath(directory);
        ModelArchive.Write(path, ModelArchive.CheckpointKind, manifest, entries);
        _logger.LogDebug("Checkpoint written: {Checkpoint} (epoch {Epoch}, step {Step})", path, _position.Epoch, _position.Step);
    }

    /// <summary>Stops at a step boundary: writes a checkpoint at (epoch, step) and throws <see cref="OperationCanceledException"/>.</summary>
    private void Cancel(int epoch, int step, CancellationToken cancellationToken)
    {
        _position = (epoch, step);
        WriteCheckpoint(improved: false);
        var where = _options.CheckpointDirectory is { } directory
            ? $"the checkpoint '{CheckpointPath(directory)}' resumes it"
            : "no checkpoint was written (set CheckpointDirectory to be able to resume)";
        _logger.LogInformation("Training cancelled at epoch {Epoch}, step {Step}; {Where}", epoch + 1, step, where);
        throw new OperationCanceledException($"Training was cancelled at epoch {epoch + 1}, step {step} of {StepsPerEpoch}; {where}.", cancellationToken);
    }

    /// <summary>Keeps a CPU copy of the current weights (outside any dispose scope; <see cref="DisposeBestWeights"/> releases it).</summary>
    private void KeepBestWeights()
    {
        DisposeBestWeights();
        using var noGrad = no_grad();
        _bestWeights = Detached(new OrderedDictionary<string, Tensor>(_network.state_dict().Select(p => KeyValuePair.Create(p.Key, p.Value.to(CPU, copy: true)))));
    }

    private void RestoreBestWeights()
    {
        if (_bestWeights is null)
        {
            return;
        }

        _network.LoadStateDict(_bestWeights);
        _logger.LogInformation("Restored the weights of the best epoch ({Epoch})", _earlyStopping!.BestEpoch + 1);
    }

    private void DisposeBestWeights()
    {
        DisposeAll(_bestWeights?.Values ?? Enumerable.Empty<Tensor>());
        _bestWeights = null;
    }

    private static OrderedDictionary<string, Tensor> Detached(OrderedDictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.DetachFromDisposeScope();
        }

        return tensors;
    }

    /// <summary>Disposes tensors this run owns, whether or not a dispose scope also holds them (disposing twice is harmless).</summary>
    private static void DisposeAll(IEnumerable<Tensor> tensors)
    {
        foreach (var tensor in tensors)
        {
            tensor.Dispose();
        }
    }

    /// <summary>The precision the run computes in and, in fp16, the loss scaler's state.</summary>
    private JsonObject PrecisionState() => new()
    {
        ["precision"] = PrecisionChoice.NameOf(_precision.Precision),
        ["lossScaler"] = _scaler?.Save(),
    };

    /// <summary>
    /// Restores the loss scaler's state. A checkpoint from a run in another precision resumes (its weights are float32
    /// either way) with a warning, since the result then differs from an uninterrupted run.
    /// </summary>
    private void ResumePrecision(string path, JsonObject? saved)
    {
        var savedName = saved?["precision"]?.GetValue<string>() ?? PrecisionChoice.NameOf(TrainingPrecision.Fp32);
        var current = PrecisionChoice.NameOf(_precision.Precision);
        if (savedName != current)
        {
            _logger.LogWarning(
                "Checkpoint '{Checkpoint}' was trained in {Saved}; this run continues in {Current} ({Reason}), so it will not end exactly as an uninterrupted run",
                path, savedName, current, _precision.Reason);
        }

        if (_scaler is not null && saved?["lossScaler"] is JsonObject scaler)
        {
            _scaler.Load(scaler);
        }
    }

    /// <summary>What must be equal for a checkpoint to continue this run.</summary>
    private JsonObject Fingerprint() => new()
    {
        ["trainer"] = _trainer.Name,
        ["architecture"] = _options.Architecture.ToString(),
        ["classNames"] = new JsonArray([.. _train.Classes.Select(c => JsonValue.Create(c))]),
        ["trainImages"] = _train.Count,
        ["batchSize"] = _options.BatchSize,
        ["epochs"] = _options.Epochs,
        ["seed"] = _seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["stepsPerEpoch"] = StepsPerEpoch,
    };

    private void CheckCompatible(string path, JsonObject? saved)
    {
        if (saved is null)
        {
            throw new ModelFileException(path, "this checkpoint has no run fingerprint, so it cannot be resumed.");
        }

        var current = Fingerprint();
        var differences = current
            .Where(p => !JsonNode.DeepEquals(p.Value, saved[p.Key]))
            .Select(p => p.Key == "classNames" ? "classNames differ" : $"{p.Key} {saved[p.Key]?.ToJsonString() ?? "missing"} → {p.Value?.ToJsonString()}")
            .ToList();
        if (differences.Count > 0)
        {
            throw new ArgumentException(
                $"Checkpoint '{path}' belongs to a different run ({string.Join("; ", differences)}). Resume with the same trainer options, data and seed, or start a new run.");
        }
    }
}
