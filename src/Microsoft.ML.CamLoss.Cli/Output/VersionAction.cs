using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Cli.Output;

/// <summary>
/// <c>camloss --version</c>: the tool's version, then the engine it runs on, e.g.
/// <c>TorchSharp 0.107.0, libtorch 2.10.0 (CPU)</c>. Reading the engine loads libtorch, so the command
/// doubles as a check that it loads; when it does not, the second line goes to stderr saying why and
/// the exit code is <see cref="ExitCodes.Failure"/>.
/// </summary>
internal sealed class VersionAction(TextWriter stdout, TextWriter stderr) : SynchronousCommandLineAction
{
    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        var tool = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        stdout.WriteLine($"{CamlossApp.Name} {tool}");
        var torchSharp = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        try
        {
            stdout.WriteLine($"TorchSharp {torchSharp}, libtorch {Libtorch()} ({(torch.cuda.is_available() ? $"CUDA, {torch.cuda.device_count()} GPU(s)" : "CPU")})");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or EntryPointNotFoundException or ExternalException)
        {
            var reason = (e is TypeInitializationException { InnerException: { } inner } ? inner : e).Message;
            stderr.WriteLine($"{CamlossApp.Name}: TorchSharp {torchSharp} could not load libtorch: {ErrorReport.FirstLine(reason).TrimEnd('.')}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>The libtorch version TorchSharp was built for, as <c>2.10.0</c>.</summary>
    private static string Libtorch() => Version.TryParse(torch.__version__, out var version) ? version.ToString(3) : torch.__version__;
}
