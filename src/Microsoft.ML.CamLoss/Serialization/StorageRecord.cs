using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A typed storage named by a checkpoint's pickle (a persistent id): its key, element type and
/// length. The format reader fills <see cref="Data"/> once it reaches the bytes; tensors are only
/// built after the whole file has been read, so a bad file never leaves half-built tensors behind.
/// </summary>
internal sealed class StorageRecord(string key, ScalarType dtype, long numberOfElements, string location)
{
    /// <summary>The storage's name in the file: <c>data/&lt;key&gt;</c> in a zip, the key list in the legacy format.</summary>
    public string Key { get; } = key;

    /// <summary>Element type, from the storage class (e.g. <c>torch.FloatStorage</c>).</summary>
    public ScalarType DType { get; } = dtype;

    /// <summary>Number of elements.</summary>
    public long NumberOfElements { get; } = numberOfElements;

    /// <summary>Where PyTorch had the storage (<c>cpu</c>, <c>cuda:0</c> ...); it is always read onto the CPU.</summary>
    public string Location { get; } = location;

    /// <summary>For a legacy storage view: the storage it is a slice of; null for a storage of its own.</summary>
    public StorageRecord? Root { get; init; }

    /// <summary>For a legacy storage view: the first element of the slice in <see cref="Root"/>.</summary>
    public long RootOffset { get; init; }

    /// <summary>The little-endian element bytes, once read (storages of their own only).</summary>
    public byte[]? Data { get; set; }

    /// <summary>Number of bytes of <see cref="Data"/>.</summary>
    public long ByteCount => checked(NumberOfElements * TensorDTypes.ElementSize(DType));
}
