namespace Microsoft.ML.CamLoss.Cli;

/// <summary>
/// A problem the user can fix (a missing folder, a layout that is not a data set, an option that
/// is needed): <c>camloss</c> prints its message as the one error line, never a stack trace.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> is the whole error line (one sentence, no trailing newline).</summary>
    public CliException(string message, int exitCode = ExitCodes.Failure, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process exit code for this problem.</summary>
    public int ExitCode { get; }
}
