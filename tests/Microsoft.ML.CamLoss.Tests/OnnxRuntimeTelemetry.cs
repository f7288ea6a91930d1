using System.Runtime.InteropServices;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests;

/// <summary>
/// ONNX Runtime writes telemetry state under ~/.cache unless ORT_DISABLE_TELEMETRY=1 is in the process
/// environment before its first use; .NET's Environment.SetEnvironmentVariable does not reach libc's
/// environment on Linux, so it is set with setenv, once, before any test runs.
/// </summary>
[TestClass]
public static partial class OnnxRuntimeTelemetry
{
    [AssemblyInitialize]
    public static void DisableTelemetry(TestContext context)
    {
        _ = context;
        Environment.SetEnvironmentVariable("ORT_DISABLE_TELEMETRY", "1");
        if (!OperatingSystem.IsWindows())
        {
            _ = SetEnv("ORT_DISABLE_TELEMETRY", "1", 1);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
