using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Keeps ONNX Runtime from writing telemetry state under the user's home. ONNX Runtime 1.31 creates
/// <c>~/.cache/Microsoft/DeveloperTools/.onnxruntime/</c> (a device id and a database) the first time it
/// starts, unless <c>ORT_DISABLE_TELEMETRY=1</c> is in the process's C environment by then: .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string?)"/> does not reach the C environment on
/// Unix, and <see cref="OrtEnv.DisableTelemetryEvents"/> comes too late (measured: both leave the files).
/// So before the library's first use of ONNX Runtime the variable is set with libc's <c>setenv</c>, without
/// overwriting a value the user chose, and telemetry events are switched off as well (Windows' ETW events).
/// </summary>
/// <remarks>
/// Only the library's own first use is covered: an application that starts ONNX Runtime itself earlier
/// (its own <c>InferenceSession</c>, or ML.NET's ONNX transformer) should set the variable in its
/// environment, or call <see cref="Disable"/> first.
/// </remarks>
public static partial class OnnxRuntimeTelemetry
{
    /// <summary>The variable ONNX Runtime reads: <c>ORT_DISABLE_TELEMETRY</c>.</summary>
    public const string Variable = "ORT_DISABLE_TELEMETRY";

    private static readonly Lock Gate = new();
    private static bool _disabled;

    /// <summary>
    /// Sets <see cref="Variable"/> to 1 in the process environment unless it is set already, then switches
    /// ONNX Runtime's telemetry events off. Idempotent and thread-safe; call it before anything else
    /// touches ONNX Runtime (creating <see cref="SessionOptions"/> does).
    /// </summary>
    public static void Disable()
    {
        lock (Gate)
        {
            if (_disabled)
            {
                return;
            }

            if (!OperatingSystem.IsWindows() && SetEnvironment(Variable, "1", overwrite: 0) != 0)
            {
                throw new InvalidOperationException($"setenv({Variable}) failed (errno {Marshal.GetLastPInvokeError()}).");
            }

            OrtEnv.Instance().DisableTelemetryEvents();
            _disabled = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
