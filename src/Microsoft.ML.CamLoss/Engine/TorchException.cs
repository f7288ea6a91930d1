namespace Microsoft.ML.CamLoss;

/// <summary>
/// An error raised inside libtorch (through TorchSharp): a shape or dtype mismatch, an unsupported
/// operation, an allocation failure. <see cref="Exception.Message"/> is libtorch's own one-line
/// explanation, prefixed with what we were doing; the full text TorchSharp gave (with libtorch's C++
/// backtrace) is in <see cref="Exception.InnerException"/>.
/// </summary>
public class TorchException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public TorchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and the exception TorchSharp raised.</summary>
    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A device was requested that this process cannot use: CUDA with the CPU-only TorchSharp backend
/// (<c>TorchSharp-cpu</c>), or on a machine without a visible NVIDIA GPU.
/// </summary>
public sealed class TorchDeviceUnavailableException : TorchException
{
    /// <summary>Creates the exception.</summary>
    public TorchDeviceUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the exception TorchSharp raised.</summary>
    public TorchDeviceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
