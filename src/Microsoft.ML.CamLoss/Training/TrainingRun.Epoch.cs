using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Training;

internal sealed partial class TrainingRun
{
    private MulticlassClassificationMetrics? _lastValidation;
    private TrainingProgress? _lastReport;
    private EpochTotals _totals = new();

    private EpochSummary RunEpoch(int epoch, IProgress<TrainingProgress>? progress, Stopwatch session, long sessionStartStep, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var alpha = _objective.AlphaAt(epoch);
        var firstStep = _position.Epoch == epoch ? _position.Step : 0;
        if (firstStep == 0)
        {
            _totals = new EpochTotals();
        }

        var totals = _totals;
        _network.Train();
        _lastValidation = null;
        var step = firstStep;
        foreach (var batch in _loader.Epoch(epoch, firstStep))
        {
            using (batch)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    Cancel(epoch, step, cancellationToken);
                }

                TrainStep(batch, epoch, step, alpha, totals);
            }

            step++;
            if (step % _options.ProgressInterval == 0 && step < StepsPerEpoch)
            {
                Report(progress, Progress(epoch, step, alpha, totals, clock, session, sessionStartStep, isEpochEnd: false));
            }
        }

        _objective.EndEpoch(epoch, totals.Accuracy);
        if (_validation is not null)
        {
            _network.Eval();
            _lastValidation = ImageClassificationTrainer.Evaluate(_model.Transform(_validation, new ScoringOptions { BatchSize = _options.BatchSize }));
            _network.Train();
        }

        var report = Progress(epoch, step, alpha, totals, clock, session, sessionStartStep, isEpochEnd: true) with { Validation = _lastValidation };
        Report(progress, report);
        return new EpochSummary(
            epoch, report.Loss, report.Terms, alpha, report.LearningRate, report.TrainAccuracy,
            _lastValidation?.MicroAccuracy, _lastValidation?.LogLoss, clock.Elapsed.TotalSeconds, report.ImagesPerSecond);
    }

    /// <summary>
    /// One optimisation step. The loss is read before the update (one scalar per term: the only
    /// host synchronisation) so that a NaN never reaches the weights.
    /// </summary>
    private void TrainStep(ImageBatch batch, int epoch, int step, double alpha, EpochTotals totals)
    {
        using var scope = new TensorScope();
        var globalStep = ((long)epoch * StepsPerEpoch) + step;
        _optimizer.ApplySchedule(_schedule, globalStep);
        TorchRuntime.ManualSeed(SeededRandom.Derive(_seed, DropoutStream, (ulong)epoch, (ulong)step).NextUInt64());
        var output = _network.Forward(batch.Images);
        using var loss = _objective.Compute(_network, output, batch, epoch);
        var terms = loss.Parts.Select(p => KeyValuePair.Create(p.Key, p.Value.ToDouble())).ToList();
        if (!double.IsFinite(terms[0].Value))
        {
            Diverged(epoch, step, terms);
        }

        _optimizer.ZeroGrad();
        loss.Total.Backward();
        _optimizer.Step();
        var correct = output.Logits.Detach().ArgMax(1).Eq(batch.Labels).Sum().ToDouble();
        totals.Add(terms, batch.Count, correct);
    }

    private TrainingProgress Progress(
        int epoch, int step, double alpha, EpochTotals totals, Stopwatch epochClock, Stopwatch session, long sessionStartStep, bool isEpochEnd)
    {
        var done = ((long)epoch * StepsPerEpoch) + step - sessionStartStep;
        var remaining = ((long)_options.Epochs * StepsPerEpoch) - ((long)epoch * StepsPerEpoch) - step;
        return new TrainingProgress
        {
            Epoch = epoch,
            Epochs = _options.Epochs,
            Step = step,
            StepsPerEpoch = StepsPerEpoch,
            IsEpochEnd = isEpochEnd,
            Loss = totals.Mean("total"),
            Terms = totals.Means(),
            Alpha = alpha,
            LearningRate = _optimizer.ParameterGroups[0].LearningRate,
            TrainAccuracy = totals.Accuracy,
            ImagesPerSecond = totals.Images / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9),
            Elapsed = session.Elapsed,
            EstimatedRemaining = done > 0 ? session.Elapsed / done * remaining : TimeSpan.Zero,
        };
    }

    private void Report(IProgress<TrainingProgress>? progress, TrainingProgress report)
    {
        _lastReport = report;
        _log?.Write(report);
        progress?.Report(report);
    }

    private void Diverged(int epoch, int step, List<KeyValuePair<string, double>> terms)
    {
        var checkpoint = _options.CheckpointDirectory is { } directory && File.Exists(CheckpointPath(directory)) ? CheckpointPath(directory) : null;
        throw new TrainingDivergedException(
            $"Training stopped: the loss became {terms[0].Value} at epoch {epoch + 1} (0-based {epoch}), step {step + 1} of {StepsPerEpoch} " +
            $"({string.Join(", ", terms.Skip(1).Select(t => $"{t.Key} {t.Value}"))}); that step did not change the weights. " +
            (checkpoint is null
                ? "No checkpoint was written (set CheckpointDirectory to keep one). "
                : $"The last good checkpoint is '{checkpoint}' (after epoch {_position.Epoch}). ") +
            "Lower the learning rate, use warm-up, or look for images with NaN or extreme values.",
            epoch, step + 1, checkpoint);
    }

    /// <summary>Running sums of one epoch's losses and accuracy.</summary>
    private sealed class EpochTotals
    {
        private readonly Dictionary<string, double> _sums = [];
        private double _correct;
        private int _steps;

        public int Images { get; private set; }

        public double Accuracy => Images == 0 ? 0 : _correct / Images;

        public void Add(List<KeyValuePair<string, double>> terms, int images, double correct)
        {
            foreach (var (name, value) in terms)
            {
                _sums[name] = _sums.GetValueOrDefault(name) + value;
            }

            _steps++;
            Images += images;
            _correct += correct;
        }

        public double Mean(string name) => _steps == 0 ? double.NaN : _sums.GetValueOrDefault(name) / _steps;

        /// <summary>The sums as JSON, for a mid-epoch checkpoint (so a resumed epoch reports, and adapts α, as an uninterrupted one).</summary>
        public JsonObject Save() => new()
        {
            ["sums"] = new JsonObject([.. _sums.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)JsonValue.Create(s.Value)))]),
            ["correct"] = _correct,
            ["steps"] = _steps,
            ["images"] = Images,
        };

        public static EpochTotals Load(JsonObject state)
        {
            var totals = new EpochTotals
            {
                _correct = state["correct"]!.GetValue<double>(),
                _steps = state["steps"]!.GetValue<int>(),
                Images = state["images"]!.GetValue<int>(),
            };
            foreach (var (name, value) in state["sums"]!.AsObject())
            {
                totals._sums[name] = value!.GetValue<double>();
            }

            return totals;
        }

        public IReadOnlyDictionary<string, double> Means() =>
            _sums.Where(s => s.Key != "total").ToDictionary(s => s.Key, s => s.Value / _steps);
    }
}
