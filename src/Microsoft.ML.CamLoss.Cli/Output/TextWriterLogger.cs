using Microsoft.Extensions.Logging;

namespace Microsoft.ML.CamLoss.Cli.Output;

/// <summary>The library's log messages on stderr: warnings and errors always, information and more with <c>--verbose</c>.</summary>
internal sealed class TextWriterLogger(TextWriter writer, LogLevel minimum) : ILogger
{
    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        lock (writer)
        {
            writer.WriteLine($"{logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
        }
    }
}
