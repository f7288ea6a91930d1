using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Delivers a data set in batches ready for the model: seeded shuffling, decoding and
/// augmentation on worker threads ahead of the consumer with a bounded queue, results in order.
/// The order and content of every batch depend only on <see cref="ImageLoaderOptions.Seed"/>
/// (the epoch order from <c>(seed, epoch)</c>, each image's augmentation from
/// <c>(seed, epoch, sample index)</c>, each batch's mixing from <c>(seed, epoch, batch)</c>),
/// never on thread timing. In-memory data sets (CIFAR, IDX) are batched by copying bytes and
/// augmented a whole batch at a time.
/// </summary>
/// <remarks>
/// Lifetimes: each batch is built inside its own <see cref="DisposeScope"/> (on a worker thread, or
/// on the consumer's thread when <see cref="Workers"/> is 0); its three tensors are detached from
/// every scope before it is handed over, so the consumer owns them and disposes the batch. Batches
/// built ahead and never taken (an epoch abandoned early) are disposed when the enumeration ends.
/// Images are decoded with the data set's <see cref="ImageDataset.MaxImagePixels"/> limit.
/// </remarks>
/// <example>
/// <code>
/// var loader = new ImageLoader(train, pipeline, new ImageLoaderOptions { BatchSize = 32, Seed = 1 });
/// for (var epoch = 0; epoch &lt; 30; epoch++)
/// {
///     foreach (var batch in loader.Epoch(epoch))
///     {
///         using (batch) { /* forward batch.Images, loss on batch.Labels or batch.MixedLabels */ }
///     }
/// }
/// </code>
/// </example>
public sealed class ImageLoader
{
    private const ulong OrderStream = 0x4F52444552UL;
    private const ulong BatchStream = 0x4241544348UL;

    private long _waitTicks;
    private long _batchesDelivered;

    /// <summary>A loader of <paramref name="dataset"/> through <paramref name="pipeline"/>.</summary>
    public ImageLoader(ImageDataset dataset, ImagePipeline pipeline, ImageLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= new ImageLoaderOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Workers, nameof(options.Workers));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ThreadsPerWorker, nameof(options.ThreadsPerWorker));
        if (options.Prefetch is { } p)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(p, nameof(options.Prefetch));
        }

        Dataset = dataset;
        Pipeline = pipeline;
        BatchSize = options.BatchSize;
        Shuffle = options.Shuffle;
        Seed = options.Seed;
        Workers = options.Workers;
        Prefetch = options.Prefetch ?? Math.Max(2, 2 * options.Workers);
        ThreadsPerWorker = options.ThreadsPerWorker;
        DropLast = options.DropLast;
        Device = options.Device ?? CPU;
        if (Device.type == DeviceType.CUDA && !cuda.is_available())
        {
            throw new TorchDeviceUnavailableException(
                $"The loader was asked to deliver batches on {Device}, but CUDA is not available to this process (the CPU-only TorchSharp backend, or no visible NVIDIA GPU). Use the CPU, or reference TorchSharp-cuda-windows / TorchSharp-cuda-linux on a machine with a GPU.");
        }
    }

    /// <summary>The data set read.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>The transforms applied.</summary>
    public ImagePipeline Pipeline { get; }

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed of the order and of every augmentation.</summary>
    public ulong Seed { get; }

    /// <summary>Worker threads (0: batches are built on the consumer's thread).</summary>
    public int Workers { get; }

    /// <summary>Most batches built ahead of the consumer.</summary>
    public int Prefetch { get; }

    /// <summary>libtorch intra-op threads per worker thread (set on that thread only).</summary>
    public int ThreadsPerWorker { get; }

    /// <summary>Whether a short last batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Where batches are delivered.</summary>
    public Device Device { get; }

    /// <summary>Batches per epoch (before any image is skipped).</summary>
    public int BatchesPerEpoch => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>Total time the consumer has spent waiting for a batch that was not ready yet.</summary>
    public TimeSpan WaitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitTicks));

    /// <summary>Total batches delivered.</summary>
    public long BatchesDelivered => Interlocked.Read(ref _batchesDelivered);

    /// <summary>The data set indices of epoch <paramref name="epoch"/> in delivery order: a permutation seeded by (seed, epoch), or 0 … n−1 without shuffling.</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, Dataset.Count).ToArray();
        if (Shuffle)
        {
            SeededRandom.Derive(Seed, OrderStream, (ulong)epoch).Shuffle<int>(order);
        }

        return order;
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>, in order. Workers start when enumeration
    /// starts and stop when it ends (or is abandoned). Dispose every batch. An image that cannot
    /// be decoded raises its <see cref="DatasetException"/> at its batch, unless the data set skips
    /// invalid images, in which case it is left out of its batch and recorded in
    /// <see cref="ImageDataset.SkipReport"/>.
    /// </summary>
    public IEnumerable<ImageBatch> Epoch(int epoch) => Epoch(epoch, firstBatch: 0);

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> from batch <paramref name="firstBatch"/> on:
    /// exactly the batches a full enumeration would deliver from there (a resumed run continues
    /// where it stopped without decoding the batches it already trained on).
    /// </summary>
    public IEnumerable<ImageBatch> Epoch(int epoch, int firstBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(firstBatch);
        return Enumerate(epoch, firstBatch);
    }

    private IEnumerable<ImageBatch> Enumerate(int epoch, int firstBatch)
    {
        var plan = Plan(epoch);
        if (Workers == 0)
        {
            for (var k = firstBatch; k < plan.Length; k++)
            {
                if (Build(epoch, k, plan[k]) is { } batch)
                {
                    Interlocked.Increment(ref _batchesDelivered);
                    yield return batch;
                }
            }

            yield break;
        }

        using var run = new LoaderRun(this, epoch, plan, firstBatch);
        for (var k = firstBatch; k < plan.Length; k++)
        {
            var start = Stopwatch.GetTimestamp();
            var batch = run.Take(k);
            Interlocked.Add(ref _waitTicks, Stopwatch.GetTimestamp() - start);
            if (batch is not null)
            {
                Interlocked.Increment(ref _batchesDelivered);
                yield return batch;
            }
        }
    }

    private int[][] Plan(int epoch)
    {
        var order = Order(epoch);
        return [.. order.Chunk(BatchSize).Where(c => !DropLast || c.Length == BatchSize)];
    }

    /// <summary>Builds batch <paramref name="index"/> of <paramref name="epoch"/>; null when every image in it was skipped.</summary>
    internal ImageBatch? Build(int epoch, int index, int[] indices)
    {
        using var scope = NewDisposeScope();
        var randoms = indices.Select(i => SeededRandom.Derive(Seed, (ulong)epoch, (ulong)i)).ToArray();
        Tensor images;
        if (Dataset.InMemory is { } block)
        {
            var positions = indices.Select(i => ((InMemoryImageSource)Dataset[i].Image).Index).ToArray();
            images = Pipeline.ApplyBatch(block.ToTensor(positions), randoms);
        }
        else
        {
            var kept = new List<int>(indices.Length);
            var outputs = new List<Tensor>(indices.Length);
            for (var j = 0; j < indices.Length; j++)
            {
                try
                {
                    outputs.Add(Pipeline.Apply(Dataset[indices[j]].Image, randoms[j], Dataset.MaxImagePixels));
                    kept.Add(indices[j]);
                }
                catch (DatasetException e) when (Dataset.SkipInvalidImages)
                {
                    Dataset.SkipReport.Add(e);
                }
            }

            if (kept.Count == 0)
            {
                return null;
            }

            indices = [.. kept];
            images = StackSameSize(outputs, epoch, index, indices);
        }

        var labels = tensor(indices.Select(i => (long)Dataset[i].Label).ToArray(), [indices.Length]);
        Tensor? partners = null;
        var lambda = 1.0;
        if (Pipeline.BatchTransform is { } mix)
        {
            images = mix.Apply(images, labels, SeededRandom.Derive(Seed, BatchStream, (ulong)epoch, (ulong)index), out var mixed, out lambda);
            partners = mixed;
        }

        if (Device.type != DeviceType.CPU)
        {
            images = images.pin_memory().to(Device, non_blocking: true);
            labels = labels.pin_memory().to(Device, non_blocking: true);
            partners = partners?.pin_memory().to(Device, non_blocking: true);
        }

        // Owned by no scope: the consumer (often on another thread) disposes the batch.
        return new ImageBatch(epoch, index, indices, images.DetachFromDisposeScope(), labels.DetachFromDisposeScope(), partners?.DetachFromDisposeScope(), lambda);
    }

    private Tensor StackSameSize(List<Tensor> outputs, int epoch, int index, int[] indices)
    {
        var first = outputs[0].shape;
        for (var j = 1; j < outputs.Count; j++)
        {
            var shape = outputs[j].shape;
            if (!shape.AsSpan().SequenceEqual(first))
            {
                throw new InvalidOperationException(
                    $"Epoch {epoch}, batch {index}: {Dataset[indices[0]].Image.Name} becomes [{string.Join(", ", first)}] but {Dataset[indices[j]].Image.Name} becomes [{string.Join(", ", shape)}]; " +
                    "add a Resize, CenterCrop, RandomCrop or RandomResizedCrop to the pipeline so every image has the same size.");
            }
        }

        return stack(outputs);
    }
}
