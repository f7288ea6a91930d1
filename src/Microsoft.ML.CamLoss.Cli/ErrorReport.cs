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
    /// rather than bad input say so.
    /// </summary>
    public static string OneLine(Exception error)
    {
        if (error is OperationCanceledException)
        {
            return "cancelled";
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

    private static bool IsBug(Exception error) =>
        error is NullReferenceException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException or NotImplementedException;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
