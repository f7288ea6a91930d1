namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Kind of device a tensor lives on.</summary>
public enum DeviceType
{
    /// <summary>Host memory.</summary>
    Cpu = 0,

    /// <summary>An NVIDIA GPU (needs the shim built against a CUDA libtorch).</summary>
    Cuda = 1,
}

/// <summary>A device: <see cref="Cpu"/> or <c>Cuda(index)</c>. Written and parsed as <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>.</summary>
/// <param name="Type">The kind of device.</param>
/// <param name="Index">The device ordinal; -1 means the current device of that kind.</param>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    /// <summary>The host.</summary>
    public static Device Cpu { get; } = new(DeviceType.Cpu);

    /// <summary>CUDA device <paramref name="index"/>.</summary>
    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (case-insensitive).</summary>
    /// <exception cref="FormatException">The text names no device.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        return parts switch
        {
            ["cpu"] => Cpu,
            ["cuda"] => Cuda(),
            ["cuda", var n] when int.TryParse(n, out var index) && index >= 0 => Cuda(index),
            _ => throw new FormatException($"'{text}' is not a device: use cpu, cuda or cuda:N."),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : Index < 0 ? "cuda" : $"cuda:{Index}";
}
