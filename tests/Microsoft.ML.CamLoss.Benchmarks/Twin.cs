using System.Diagnostics;
using System.Text.Json;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>Runs a process that prints one JSON object as its last line of output: a PyTorch twin script, or this program in a child mode.</summary>
internal static class Twin
{
    /// <summary>Runs <c>/usr/bin/python3 Twins/<paramref name="script"/> <paramref name="arguments"/></c> (Debian's python3-torch).</summary>
    public static JsonElement RunPython(string script, string arguments) =>
        Run("/usr/bin/python3", $"{Path.Combine(AppContext.BaseDirectory, "Twins", script)} {arguments}", $"PyTorch twin {script} (is python3-torch installed?)");

    /// <summary>"PyTorch 1.13.0a0 (twins)" (Debian's python3-torch 1.13.1 reports 1.13.0a0; the twins' torch, from Twins/versions.py), or a note that the twins cannot run.</summary>
    public static string PyTorchVersion()
    {
        try
        {
            return $"PyTorch {RunPython("versions.py", string.Empty).GetProperty("torch").GetString()} (twins)";
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException or System.ComponentModel.Win32Exception)
        {
            return $"PyTorch twins unavailable ({e.Message.Split('\n')[0].Trim()})";
        }
    }

    /// <summary>Runs this benchmark program again, in a fresh process, with <paramref name="arguments"/>.</summary>
    public static JsonElement RunSelf(string arguments)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("the process path is unknown");
        var self = Path.GetFileNameWithoutExtension(host) == "dotnet" ? $"{typeof(Twin).Assembly.Location} " : string.Empty;
        return Run(host, self + arguments, $"child benchmark '{arguments}'");
    }

    private static JsonElement Run(string file, string arguments, string what)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {what}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed (exit {process.ExitCode}): {error.Result}");
        }

        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"{what} printed nothing");
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    /// <summary>The median (the upper one of an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
