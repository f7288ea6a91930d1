namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// One epoch of an <see cref="ImageLoader"/> on worker threads. Workers claim batch numbers in
/// increasing order, each only after a slot in the bounded window (<see cref="ImageLoader.Prefetch"/>)
/// is free; the consumer takes batches strictly in order, freeing a slot each time. Which worker
/// builds a batch never changes what is in it (its random streams come from its indices).
/// </summary>
internal sealed class LoaderRun : IDisposable
{
    private readonly ImageLoader _loader;
    private readonly int _epoch;
    private readonly int[][] _plan;
    private readonly TaskCompletionSource<ImageBatch?>[] _slots;
    private readonly SemaphoreSlim _window;
    private readonly CancellationTokenSource _stop = new();
    private Thread[] _threads;
    private int _next = -1;
    private int _taken;

    public LoaderRun(ImageLoader loader, int epoch, int[][] plan, int firstBatch)
    {
        _loader = loader;
        _epoch = epoch;
        _plan = plan;
        _next = firstBatch - 1;
        _taken = firstBatch;
        _slots = [.. plan.Select(_ => new TaskCompletionSource<ImageBatch?>(TaskCreationOptions.RunContinuationsAsynchronously))];
        _window = new SemaphoreSlim(loader.Prefetch);
        _threads = new Thread[Math.Min(loader.Workers, Math.Max(plan.Length - firstBatch, 1))];
        for (var w = 0; w < _threads.Length; w++)
        {
            _threads[w] = new Thread(Work) { IsBackground = true, Name = $"ImageLoader worker {w}" };
            try
            {
                _threads[w].Start();
            }
            catch (OutOfMemoryException e)
            {
                _threads = _threads[..w];   // the ones that started, which Dispose stops and joins
                Dispose();
                throw Engine.ThreadHeadroom.CannotStart($"data-loader worker {w + 1} of {_threads.Length}", e);
            }
        }
    }

    /// <summary>Batch <paramref name="k"/> once it is built (rethrowing the error that stopped it); frees one window slot.</summary>
    public ImageBatch? Take(int k)
    {
        try
        {
            return _slots[k].Task.GetAwaiter().GetResult();
        }
        finally
        {
            _taken = k + 1;
            _window.Release();
        }
    }

    /// <summary>Stops the workers and disposes every batch built but not taken.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        for (var k = _taken; k < _slots.Length; k++)
        {
            if (_slots[k].Task.IsCompletedSuccessfully)
            {
                _slots[k].Task.Result?.Dispose();
            }
        }

        _window.Dispose();
        _stop.Dispose();
    }

    private void Work()
    {
        // This thread's own OpenMP team size (false where libtorch has no OpenMP runtime: then only
        // speed differs, never the batches).
        IntraOpThreads.LimitCurrentThread(_loader.ThreadsPerWorker);

        while (true)
        {
            try
            {
                _window.Wait(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var k = Interlocked.Increment(ref _next);
            if (k >= _plan.Length || _stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                _slots[k].SetResult(_loader.Build(_epoch, k, _plan[k]));
            }
            catch (Exception e)
            {
                _slots[k].SetException(e);
            }
        }
    }
}
