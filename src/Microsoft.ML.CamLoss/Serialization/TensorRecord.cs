namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a view of a storage with a
/// storage offset, sizes and strides (all in elements). Turned into a TorchSharp tensor
/// by <see cref="CheckpointTensors"/> once every storage has been read.
/// </summary>
internal sealed class TensorRecord(StorageRecord storage, long storageOffset, long[] shape, long[] strides)
{
    /// <summary>The storage the tensor views.</summary>
    public StorageRecord Storage { get; } = storage;

    /// <summary>Offset of the first element in the storage.</summary>
    public long StorageOffset { get; } = storageOffset;

    /// <summary>Size of every dimension.</summary>
    public long[] Shape { get; } = shape;

    /// <summary>Stride of every dimension.</summary>
    public long[] Strides { get; } = strides;

    /// <summary>Whether PyTorch had the tensor require gradients (e.g. an <c>nn.Parameter</c>).</summary>
    public bool RequiresGrad { get; set; }
}
