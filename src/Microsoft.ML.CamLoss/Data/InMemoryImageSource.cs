namespace Microsoft.ML.CamLoss.Data;

/// <summary>Image <see cref="Index"/> of an <see cref="InMemoryImages"/> block (CIFAR, IDX): already pixels, never decoded.</summary>
internal sealed class InMemoryImageSource(InMemoryImages images, int index) : ImageSource
{
    public InMemoryImages Images { get; } = images;

    public int Index { get; } = index;

    public override string Name => $"{Images.Name} (image {Index})";

    internal override ReadOnlyMemory<byte> ReadEncoded() =>
        throw new NotSupportedException($"{Name} holds decoded pixels, not an encoded image.");
}
