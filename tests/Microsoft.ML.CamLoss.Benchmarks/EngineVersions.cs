using TorchSharp;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>The engine the C# sides ran on, for the header line of a benchmark run.</summary>
internal static class EngineVersions
{
    /// <summary>"TorchSharp 0.107.0, libtorch 2.10.0 (CPU)", or "(CUDA available)" where libtorch sees a GPU.</summary>
    public static string Describe()
    {
        var torchSharp = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?";
        var libtorch = Version.TryParse(torch.__version__, out var version) ? version.ToString(3) : torch.__version__;
        return $"TorchSharp {torchSharp}, libtorch {libtorch} ({(torch.cuda.is_available() ? "CUDA available" : "CPU")})";
    }
}
