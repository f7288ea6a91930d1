namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// An error raised inside libtorch (a <c>c10::Error</c>: shape or dtype mismatch, unsupported
/// backend ...). The message is libtorch's own explanation, without its C++ backtrace.
/// </summary>
public class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An index out of range (libtorch's <c>c10::IndexError</c>, Python's <c>IndexError</c>).</summary>
public sealed class TorchIndexException(string message) : TorchException(message);

/// <summary>An invalid value (libtorch's <c>c10::ValueError</c>).</summary>
public sealed class TorchValueException(string message) : TorchException(message);

/// <summary>An argument of the wrong type (libtorch's <c>c10::TypeError</c>).</summary>
public sealed class TorchTypeException(string message) : TorchException(message);

/// <summary>An operation libtorch does not implement for these inputs (<c>c10::NotImplementedError</c>).</summary>
public sealed class TorchNotImplementedException(string message) : TorchException(message);

/// <summary>An allocation failed on the host or the device.</summary>
public sealed class TorchOutOfMemoryException(string message) : TorchException(message);

/// <summary>A device was requested that this build or machine cannot use (e.g. CUDA on a CPU-only libtorch).</summary>
public sealed class TorchDeviceUnavailableException(string message) : TorchException(message);
