using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>Settings of an <see cref="ImageLoader"/>.</summary>
public sealed class ImageLoaderOptions
{
    /// <summary>Images per batch. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Shuffle the samples each epoch (seeded by <see cref="Seed"/> and the epoch). Default true; use false for scoring.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>
    /// The seed of everything random: the epoch order, every image's augmentation (stream
    /// <c>(Seed, epoch, sample index)</c>) and every batch's mixing (stream <c>(Seed, epoch, batch)</c>).
    /// Same seed, same batches, whatever the thread timing. Default 0.
    /// </summary>
    public ulong Seed { get; set; }

    /// <summary>
    /// Worker threads that decode and augment ahead of the consumer; 0 builds each batch on the
    /// consumer's thread when it is asked for. Default: the processor count, at most 4.
    /// </summary>
    public int Workers { get; set; } = Math.Min(Environment.ProcessorCount, 4);

    /// <summary>Most batches built (or being built) ahead of the consumer: the bounded queue. Default 2 per worker (at least 2).</summary>
    public int? Prefetch { get; set; }

    /// <summary>
    /// libtorch intra-op threads on each worker thread (set for that thread only, at its start;
    /// <c>torch.set_num_threads</c> would change every thread). Default 1, as PyTorch's DataLoader
    /// workers: several workers each running a full OpenMP team would compete with the training thread.
    /// </summary>
    public int ThreadsPerWorker { get; set; } = 1;

    /// <summary>Drop the last batch when it is smaller than <see cref="BatchSize"/>. Default false.</summary>
    public bool DropLast { get; set; }

    /// <summary>
    /// Where batches are delivered. Default CPU. On CUDA, batches are built in pinned host
    /// memory on the worker and copied with <c>non_blocking</c>. CUDA where it is not available
    /// (the CPU-only TorchSharp backend, or no GPU) raises <see cref="TorchDeviceUnavailableException"/>
    /// when the loader is created.
    /// </summary>
    public Device? Device { get; set; }
}
