using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Status codes returned by every shim export (mirrors <c>camloss::Status</c>).</summary>
internal enum NativeStatusCode
{
    Ok = 0,
    TorchError = 1,
    IndexError = 2,
    ValueError = 3,
    TypeError = 4,
    NotImplemented = 5,
    OutOfMemory = 6,
    DeviceUnavailable = 7,
    InvalidArgument = 8,
    StdError = 9,
    Unknown = 10,
}

/// <summary>
/// The one checker every native call goes through: a failing status becomes a typed exception
/// carrying the message libtorch (or the shim) left in the thread-local last error.
/// </summary>
internal static partial class NativeStatus
{
    /// <summary>Throws the exception that matches <paramref name="status"/> unless it is 0.</summary>
    public static void Check(int status)
    {
        if (status != 0)
        {
            Throw((NativeStatusCode)status);
        }
    }

    private static void Throw(NativeStatusCode code)
    {
        var message = LastError();
        throw code switch
        {
            NativeStatusCode.IndexError => new TorchIndexException(message),
            NativeStatusCode.ValueError => new TorchValueException(message),
            NativeStatusCode.TypeError => new TorchTypeException(message),
            NativeStatusCode.NotImplemented => new TorchNotImplementedException(message),
            NativeStatusCode.OutOfMemory => new TorchOutOfMemoryException(message),
            NativeStatusCode.DeviceUnavailable => new TorchDeviceUnavailableException(message),
            NativeStatusCode.InvalidArgument => new ArgumentException(message),
            _ => new TorchException(message),
        };
    }

    private static string LastError()
    {
        _ = camloss_last_error(out var message);
        return Marshal.PtrToStringUTF8(message) ?? "unknown native error";
    }

    [LibraryImport(NativeLibraryName.Value)]
    private static partial int camloss_last_error(out IntPtr message);
}
