using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A checkpoint written by PyTorch's <c>torch.save</c>, read in pure managed code (no Python) in
/// either format (<see cref="PyTorchCheckpointFormat"/>), with a restricted unpickler: loading a
/// checkpoint never executes anything in it.
/// </summary>
/// <remarks>
/// <para>Why this reader and not TorchSharp's loaders: TorchSharp's <c>torch.load</c>, <c>Module.load</c> and
/// <c>jit.load</c> read TorchSharp's own format and libtorch's C++/TorchScript archives, not the pickles that
/// Python's <c>torch.save</c> writes. Reading those takes an unpickler, and a general one runs whatever the
/// file names. This one is restricted: it rebuilds plain data and tensors from an allow-list of globals and
/// never executes, imports or constructs anything else, so a checkpoint from an untrusted source can make it
/// throw, never run code. The tensors it yields are ordinary TorchSharp tensors.</para>
/// <para>The pickle may name only these Python globals: <c>torch._utils._rebuild_tensor</c>,
/// <c>_rebuild_tensor_v2</c>, <c>_rebuild_parameter</c>, <c>_rebuild_parameter_with_state</c>,
/// <c>collections.OrderedDict</c>, <c>torch.Size</c>, <c>_codecs.encode</c> (bytes), <c>set</c>,
/// <c>frozenset</c>, and the storage classes <c>torch.FloatStorage</c>, <c>DoubleStorage</c>,
/// <c>HalfStorage</c>, <c>BFloat16Storage</c>, <c>LongStorage</c>, <c>IntStorage</c>, <c>ByteStorage</c>,
/// <c>BoolStorage</c>. Any other global (<c>os.system</c>, a model class saved with <c>torch.save(model)</c> ...)
/// makes <see cref="Load"/> throw <see cref="UnsafeCheckpointException"/>.</para>
/// <para><see cref="Root"/> is the object graph: None → null, bool, int → <see cref="long"/> (or
/// <see cref="System.Numerics.BigInteger"/>), float → <see cref="double"/>, str → <see cref="string"/>,
/// bytes → <see cref="byte"/>[], tuple → <see cref="PickleTuple"/>, list → <see cref="List{T}"/> of object,
/// dict and OrderedDict → <see cref="OrderedDictionary{TKey, TValue}"/> of object to object (file order),
/// set → <see cref="HashSet{T}"/>, tensor → a TorchSharp <c>Tensor</c>, bare storage → a 1-dimensional
/// <c>Tensor</c>. Attributes that Python sets on objects (a state dict's <c>_metadata</c>) are dropped.</para>
/// <para>Every tensor is on the CPU whatever its saved location, with its saved dtype, sizes, strides
/// and storage offset; tensors that shared a storage in PyTorch share memory here (writing through
/// one shows in the other).</para>
/// </remarks>
public sealed class PyTorchCheckpoint : IDisposable
{
    private readonly List<Tensor> _tensors;
    private bool _disposed;

    private PyTorchCheckpoint(string path, PyTorchCheckpointFormat format, object? root, List<Tensor> tensors)
    {
        Path = path;
        Format = format;
        Root = root;
        _tensors = tensors;
    }

    /// <summary>The file, as given to <see cref="Load"/>.</summary>
    public string Path { get; }

    /// <summary>Which torch.save format the file has.</summary>
    public PyTorchCheckpointFormat Format { get; }

    /// <summary>The saved object (usually a dict), built from plain .NET types; see the remarks of <see cref="PyTorchCheckpoint"/>.</summary>
    /// <remarks>Its tensors belong to this checkpoint and are disposed with it.</remarks>
    public object? Root { get; }

    /// <summary>Every tensor in <see cref="Root"/>, in the order they first appear. They are disposed with this checkpoint.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>Reads a <c>torch.save</c> file (zip or legacy format) onto the CPU.</summary>
    /// <param name="path">The checkpoint file (<c>.pt</c>, <c>.pth</c>, <c>.th</c>, <c>.ckpt</c> ...).</param>
    /// <returns>The checkpoint; dispose it to release its tensors.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="UnsafeCheckpointException">The file names a Python global outside the allow-list (nothing is executed).</exception>
    /// <exception cref="CheckpointFormatException">The file is not a torch.save checkpoint, is truncated or damaged, or holds an unsupported storage type.</exception>
    /// <exception cref="TorchException">libtorch cannot allocate the tensors (out of memory).</exception>
    public static PyTorchCheckpoint Load(string path)
    {
        using var file = StateDictFile.OpenRead(path);
        var kind = WeightsFileSniffer.Detect(file, out var head);
        using var scope = torch.NewDisposeScope();
        try
        {
            var (root, storages) = kind switch
            {
                WeightsFileKind.TorchZip => ZipCheckpointReader.Read(path, file),
                WeightsFileKind.TorchLegacy => LegacyCheckpointReader.Read(path, file),
                _ => throw NotACheckpoint(path, kind, head),
            };

            var (graph, tensors) = CheckpointTensors.Build(path, root, storages);
            foreach (var tensor in tensors)
            {
                tensor.DetachFromDisposeScope();
            }

            return new PyTorchCheckpoint(path, kind == WeightsFileKind.TorchZip ? PyTorchCheckpointFormat.Zip : PyTorchCheckpointFormat.Legacy, graph, tensors);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointFormatException(path, "the file ends early: it is truncated (an interrupted download or copy?). Fetch it again.", e);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException(path, $"its zip archive is truncated or damaged ({e.Message}). Fetch the file again.", e);
        }
        catch (OverflowException e)
        {
            throw new CheckpointFormatException(path, "a tensor's sizes, strides or offset overflow; the file is damaged.", e);
        }
        catch (ExternalException e)
        {
            // Sizes, strides and offsets are checked before libtorch sees them; this is a last line of defence.
            throw new CheckpointFormatException(path, $"libtorch cannot build its tensors ({TorchErrors.FirstLine(e.Message)}); the file is damaged.", e);
        }
    }

    /// <summary>
    /// Reads the state dict of a <c>torch.save</c> file: the tensors of the top-level dict, or of the
    /// dict under <c>state_dict</c> or <c>model</c>, in file order, with a <c>module.</c> prefix
    /// (from <c>DataParallel</c>) removed; other entries (<c>best_prec1</c>, <c>epoch</c> ...) are ignored.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>Tensors by name, on the CPU, not requiring gradients. The caller owns them and must dispose
    /// each one; they belong to no dispose scope, not even one open on this thread.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="UnsafeCheckpointException">The file names a Python global outside the allow-list (nothing is executed).</exception>
    /// <exception cref="CheckpointFormatException">The file is not a checkpoint, is damaged, or holds no state dict.</exception>
    public static OrderedDictionary<string, Tensor> ReadStateDict(string path)
    {
        using var checkpoint = Load(path);
        return checkpoint.StateDict();
    }

    /// <summary>The state dict of this checkpoint, found as <see cref="ReadStateDict"/> does.</summary>
    /// <returns>New tensor handles (sharing memory with this checkpoint's tensors, and with each other where
    /// they shared a storage), detached from autograd. The caller owns them and must dispose each one; they
    /// belong to no dispose scope, and outlive this checkpoint.</returns>
    /// <exception cref="CheckpointFormatException">The checkpoint holds no state dict.</exception>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (name, tensor) in StateDictLocator.Find(Path, Root))
        {
            result.Add(name, tensor.detach().DetachFromDisposeScope());
        }

        return result;
    }

    /// <summary>Disposes every tensor of the checkpoint (handles returned by <see cref="StateDict"/> stay valid).</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var tensor in _tensors)
        {
            tensor.Dispose();
        }
    }

    private static CheckpointFormatException NotACheckpoint(string path, WeightsFileKind kind, byte[] head) => new(path, kind switch
    {
        WeightsFileKind.TorchTar => "it is a tar archive, the format of torch.save before PyTorch 0.4, which this reader does not support. Load it in PyTorch and save it again.",
        WeightsFileKind.SafeTensors => "it is a .safetensors file, not a torch.save checkpoint: read it with SafeTensorsFile.ReadStateDict (or StateDictFile.Read).",
        WeightsFileKind.CamLossWeights => "it is a CamLoss weights file, not a torch.save checkpoint: read it with ModelWeightsFile.Load (or StateDictFile.Read).",
        _ => $"it is not a torch.save checkpoint: it starts with {WeightsFileSniffer.Describe(head)}, where a checkpoint starts with a zip header (504B0304) or a pickle (80 followed by the protocol). Check the path, or fetch the file again.",
    });
}
