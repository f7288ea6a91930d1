namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A weights or checkpoint file that cannot be read: not a checkpoint, truncated, damaged, of an
/// unsupported version, or holding something this library does not rebuild. The message names the
/// file, says what is wrong and what to do about it.
/// </summary>
public class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>; the message is prefixed with the path.</summary>
    /// <param name="path">The file that could not be read.</param>
    /// <param name="problem">What is wrong and what to do, as a sentence or two.</param>
    public CheckpointFormatException(string path, string problem)
        : base($"{path}: {problem}")
    {
        Path = path;
    }

    /// <summary>Creates the exception for <paramref name="path"/> with the exception that revealed the problem.</summary>
    /// <param name="path">The file that could not be read.</param>
    /// <param name="problem">What is wrong and what to do, as a sentence or two.</param>
    /// <param name="innerException">The lower-level error (e.g. an <see cref="EndOfStreamException"/>).</param>
    public CheckpointFormatException(string path, string problem, Exception innerException)
        : base($"{path}: {problem}", innerException)
    {
        Path = path;
    }

    /// <summary>The file that could not be read, as the caller named it.</summary>
    public string Path { get; }
}
