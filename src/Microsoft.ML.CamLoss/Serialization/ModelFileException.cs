namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A model or training-checkpoint file (<see cref="ModelArchive"/>) that cannot be opened or read:
/// missing, another kind of file, corrupt or truncated, or written by a newer library. The message
/// names the file, says what is wrong and what to do about it.
/// </summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>; the message is prefixed with the path.</summary>
    /// <param name="path">The file that could not be read.</param>
    /// <param name="message">What is wrong and what to do, as a sentence or two.</param>
    /// <param name="inner">The lower-level error that revealed the problem, if any.</param>
    public ModelFileException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner)
    {
        Path = path;
    }

    /// <summary>The file that could not be read, as the caller named it.</summary>
    public string Path { get; }

    /// <summary>The message of a lower-level exception, to quote inside parentheses: without its final period.</summary>
    internal static string Quote(Exception e) => e.Message.TrimEnd().TrimEnd('.');
}
