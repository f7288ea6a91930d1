using System.Diagnostics;

namespace Microsoft.ML.CamLoss.Tests;

/// <summary>Points a child process at an empty home folder, so a test can see what it writes there.</summary>
internal static class FreshHome
{
    /// <summary>
    /// Sets HOME and DOTNET_CLI_HOME to <paramref name="home"/> and removes the XDG base-directory
    /// variables: a machine that sets XDG_CACHE_HOME (CI containers do) would otherwise send the child's
    /// cache (ONNX Runtime's telemetry state among it) outside the folder the test inspects.
    /// </summary>
    public static ProcessStartInfo WithHome(this ProcessStartInfo start, string home)
    {
        start.Environment["HOME"] = home;
        start.Environment["DOTNET_CLI_HOME"] = home;
        foreach (var variable in new[] { "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR" })
        {
            start.Environment.Remove(variable);
        }

        return start;
    }
}
