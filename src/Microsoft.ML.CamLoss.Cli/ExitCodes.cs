namespace Microsoft.ML.CamLoss.Cli;

/// <summary>The exit codes of <c>camloss</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command failed (bad data, bad model file, training diverged …); stderr says why in one line.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong (unknown option or value, missing required option); stderr says what.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl+C), as a shell reports SIGINT; training wrote a checkpoint to resume from.</summary>
    public const int Cancelled = 130;
}
