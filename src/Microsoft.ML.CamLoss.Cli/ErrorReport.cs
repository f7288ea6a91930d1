using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Microsoft.ML.CamLoss.Cli;

/// <summary>Turns an exception into the single line <c>camloss</c> prints on stderr (or the full details with <c>--verbose</c>).</summary>
internal static partial class ErrorReport
{
    /// <summary>Writes <paramref name="error"/> for <paramref name="command"/> and returns the exit code to use.</summary>
    public static int Write(TextWriter stderr, string command, Exception error, bool verbose)
    {
        var exitCode = error switch
        {
            CliException cli => cli.ExitCode,
            OperationCanceledException => ExitCodes.Cancelled,
            _ => ExitCodes.Failure,
        };
        stderr.WriteLine($"{command}: {OneLine(error)}");
        if (verbose && error is not CliException)
        {
            stderr.WriteLine(error.ToString());
        }

        stderr.Flush();
        return exitCode;
    }

    /// <summary>
    /// The message as one line: whitespace runs (newlines included) become one space, ArgumentException's
    /// "(Parameter 'x')" suffix goes, a cancellation says "cancelled", and exceptions that signal a bug
    /// rather than bad input say so. A libtorch error that reached us unwrapped (TorchSharp raises them
    /// as a bare <see cref="ExternalException"/> whose message is libtorch's line followed by a C++
    /// backtrace) keeps only that first line; <c>--verbose</c> shows the rest.
    /// </summary>
    public static string OneLine(Exception error)
    {
        if (error is OperationCanceledException)
        {
            return "cancelled";
        }

        if (error.GetType() == typeof(ExternalException))
        {
            return $"libtorch: {FirstLine(error.Message)} (run with --verbose for libtorch's full message)";
        }

        var message = error.Message;
        if (error is ArgumentException { ParamName: { } name })
        {
            message = message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal);
        }

        message = Whitespace().Replace(message, " ").Trim();
        return IsBug(error)
            ? $"internal error: {error.GetType().Name}: {message} (run with --verbose for details)"
            : message;
    }

    /// <summary>The first non-blank line of <paramref name="message"/>, trimmed.</summary>
    public static string FirstLine(string message) =>
        message.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "an error without a message";

    private static bool IsBug(Exception error) =>
        error is NullReferenceException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException or NotImplementedException;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
