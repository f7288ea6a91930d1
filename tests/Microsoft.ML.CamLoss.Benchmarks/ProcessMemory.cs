using System.Globalization;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>This process's memory as the kernel counts it (<c>/proc/self/status</c>), in MiB.</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set size so far (<c>VmHWM</c>), read the same way by the PyTorch twins.</summary>
    public static double PeakResidentMb => Read("VmHWM:");

    /// <summary>Resident set size now (<c>VmRSS</c>).</summary>
    public static double ResidentMb => Read("VmRSS:");

    private static double Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // "VmHWM:     123456 kB"
                var kilobytes = long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kilobytes / 1024.0;
            }
        }

        throw new InvalidOperationException($"/proc/self/status has no {field} line (not Linux?).");
    }
}
