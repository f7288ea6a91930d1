using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

internal sealed partial class TrainingRun
{
    private Microsoft.ML.Data.MulticlassClassificationMetrics? _lastValidation;
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
        _network.train();
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

                TrainStepReportingErrors(batch, epoch, step, alpha, totals);
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
            _network.eval();
            _lastValidation = TorchErrors.Run(
                () => ImageClassificationTrainer.Evaluate(_model.Transform(_validation, new ScoringOptions { BatchSize = _options.BatchSize })),
                $"Validating after epoch {epoch + 1} failed");
            _network.train();
        }

        var report = Progress(epoch, step, alpha, totals, clock, session, sessionStartStep, isEpochEnd: true) with { Validation = _lastValidation };
        Report(progress, report);
        return new EpochSummary(
            epoch, report.Loss, report.Terms, alpha, report.LearningRate, report.TrainAccuracy,
            _lastValidation?.MicroAccuracy, _lastValidation?.LogLoss, clock.Elapsed.TotalSeconds, report.ImagesPerSecond);
    }

    /// <summary>
    /// <see cref="TrainStep"/>, with libtorch's errors (out of memory, a kernel's complaint) as one line
    /// that says where training was: <c>Training step 3 of 8 in epoch 2 failed: …</c>.
    /// </summary>
    private void TrainStepReportingErrors(ImageBatch batch, int epoch, int step, double alpha, EpochTotals totals)
    {
        try
        {
            TrainStep(batch, epoch, step, alpha, totals);
        }
        catch (ExternalException e)
        {
            throw TorchErrors.Translate(e, StepDescription(epoch, step));
        }
        catch (TorchException e) when (e is not TorchDeviceUnavailableException)
        {
            // Already one line (e.g. from the network's forward pass): say where it happened, keep the original inside.
            throw new TorchException($"{StepDescription(epoch, step)}: {e.Message}", e);
        }
    }

    private string StepDescription(int epoch, int step) => $"Training step {step + 1} of {StepsPerEpoch} in epoch {epoch + 1} failed";

    /// <summary>
    /// One optimisation step, inside its own dispose scope: rate from the schedule, dropout seed from
    /// (seed, epoch, step), forward and loss (under the run's <see cref="MixedPrecision"/> policy in bf16/fp16:
    /// the network in 16 bits, the loss in float32), then one host synchronisation (every loss term and the
    /// number of correct predictions copied to the host together, as one float64 vector) so that a
    /// NaN or infinite loss stops training before the update, then gradients (cleared to none, as
    /// PyTorch's <c>zero_grad()</c>), backward and the optimiser's step. In fp16 the backward pass runs on the
    /// scaled loss and the step is skipped when a gradient overflows (<see cref="LossScaler"/>).
    /// </summary>
    private void TrainStep(ImageBatch batch, int epoch, int step, double alpha, EpochTotals totals)
    {
        using var scope = NewDisposeScope();
        var globalStep = ((long)epoch * StepsPerEpoch) + step;
        _schedule.Apply(_optimizer, globalStep);
        ManualSeed(SeededRandom.Derive(_seed, DropoutStream, (ulong)epoch, (ulong)step).NextUInt64());
        BackboneOutput output;
        LossResult computed;
        using (_precision.ComputeType is { } type ? MixedPrecision.Enter(type) : null)
        {
            output = _network.forward(batch.Images);
            computed = _objective.Compute(_network, output, batch, epoch);
        }

        using var loss = computed;
        var parts = loss.Parts.ToList();
        var correct = output.Logits.detach().argmax(1).eq(batch.Labels).sum();
        Tensor[] scalars = [.. parts.Select(p => p.Value.detach().to(ScalarType.Float64).reshape(1)), correct.to(ScalarType.Float64).reshape(1)];
        var values = cat(scalars, 0).cpu().data<double>().ToArray();
        var terms = parts.Select((p, i) => KeyValuePair.Create(p.Key, values[i])).ToList();
        if (!double.IsFinite(terms[0].Value))
        {
            Diverged(epoch, step, terms);
        }

        foreach (var parameter in _parameters)
        {
            parameter.grad = null;
        }

        if (_scaler is null)
        {
            loss.Total.backward();
            _optimizer.step();
        }
        else
        {
            _scaler.ScaleLoss(loss.Total).backward();
            if (_scaler.UnscaleAndUpdate(_parameters))
            {
                _optimizer.step();
            }
            else
            {
                _logger.LogDebug("Step {Step} of epoch {Epoch} skipped: a float16 gradient overflowed; loss scale now {Scale}", step + 1, epoch + 1, _scaler.Scale);
            }
        }

        totals.Add(terms, batch.Count, values[^1]);
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
            LearningRate = _optimizer.ParamGroups.First().LearningRate,
            TrainAccuracy = totals.Accuracy,
            ImagesPerSecond = totals.Images / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9),
            Elapsed = session.Elapsed,
            EstimatedRemaining = done > 0 ? session.Elapsed / done * remaining : TimeSpan.Zero,
            Precision = _precision.Precision,
            LossScale = _scaler?.Scale,
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
            (checkpoint is not null ? $"The last good checkpoint is '{checkpoint}' (after epoch {_position.Epoch}). "
                : _options.CheckpointDirectory is null ? "No checkpoint was written (set CheckpointDirectory to keep one). "
                : "It diverged before the first epoch ended, so there is no checkpoint to go back to. ") +
            "Lower the learning rate, use warm-up, or look for images with NaN or extreme values" +
            (_precision.Precision == TrainingPrecision.Fp16 ? " (in fp16, activations beyond ±65504 overflow: try Precision = Bf16 or Fp32)." : "."),
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
