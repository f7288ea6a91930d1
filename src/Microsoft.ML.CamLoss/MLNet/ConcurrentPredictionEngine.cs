using System.Collections.Concurrent;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// Predictions from many threads at once over one model. ML.NET's <see cref="PredictionEngine{TSrc, TDst}"/> is per
/// thread by design (it reuses its buffers), and its <c>PredictionEnginePool</c> lives in Microsoft.Extensions.ML, which
/// this project cannot depend on; so this keeps a pool of engines: each <see cref="Predict"/> takes an idle engine (or
/// makes one), predicts, and puts it back. At most as many engines as threads predicting at once are ever made; the
/// model's ONNX session is shared by them (ONNX Runtime's <c>Run</c> is thread-safe). Make one with
/// <c>mlContext.Model.CreateConcurrentPredictionEngine&lt;TSrc, TDst&gt;(model)</c>.
/// </summary>
/// <typeparam name="TSrc">The input row class.</typeparam>
/// <typeparam name="TDst">The output row class.</typeparam>
public sealed class ConcurrentPredictionEngine<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    private readonly Func<PredictionEngine<TSrc, TDst>> _create;
    private readonly ConcurrentBag<PredictionEngine<TSrc, TDst>> _idle = [];
    private int _created;
    private bool _disposed;

    internal ConcurrentPredictionEngine(Func<PredictionEngine<TSrc, TDst>> create)
    {
        _create = create;
        _idle.Add(create());   // the first engine now, so a wrong schema fails here rather than at the first Predict
        _created = 1;
    }

    /// <summary>How many engines the pool has made (at most the number of threads that predicted at the same time).</summary>
    public int EnginesCreated => Volatile.Read(ref _created);

    /// <summary>Predicts one example; safe to call from any number of threads. Returns a new output object.</summary>
    public TDst Predict(TSrc example)
    {
        ArgumentNullException.ThrowIfNull(example);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_idle.TryTake(out var engine))
        {
            engine = _create();
            Interlocked.Increment(ref _created);
        }

        try
        {
            return engine.Predict(example);
        }
        finally
        {
            _idle.Add(engine);
        }
    }

    /// <summary>Disposes the idle engines (call when no thread is predicting).</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var engine))
        {
            engine.Dispose();
        }
    }
}
