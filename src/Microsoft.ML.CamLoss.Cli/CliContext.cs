namespace Microsoft.ML.CamLoss.Cli;

/// <summary>What a command runs against: its output streams, its cancellation and how it should talk.</summary>
/// <param name="Stdout">Results (tables, JSON, predictions, progress).</param>
/// <param name="Stderr">The one error line, and log messages with <c>--verbose</c>.</param>
/// <param name="CancellationToken">Cancelled by Ctrl+C (or by the test that runs the command).</param>
/// <param name="Interactive">Whether <paramref name="Stdout"/> is a terminal: live progress bars rather than one line per epoch.</param>
internal sealed record CliContext(TextWriter Stdout, TextWriter Stderr, CancellationToken CancellationToken, bool Interactive)
{
    /// <summary>Whether <c>--verbose</c> was given: log messages and full exception details on stderr.</summary>
    public bool Verbose { get; init; }
}
