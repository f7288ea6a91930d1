namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// A data set file that cannot be used: a corrupt or missing image, a malformed list or
/// <c>.mat</c> file, a label out of range. The message names the file (and the line, for lists)
/// and says what is wrong: <c>/data/CUB_200_2011/images.txt, line 17: …</c>.
/// </summary>
public sealed class DatasetException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file (or folder) at fault.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    /// <param name="line">1-based line of a list file, when the problem is on one line.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public DatasetException(string filePath, string problem, int? line = null, Exception? innerException = null)
        : base(Format(filePath, line, problem), innerException)
    {
        FilePath = filePath;
        Problem = problem;
        Line = line;
    }

    /// <summary>The file (or folder) at fault.</summary>
    public string FilePath { get; }

    /// <summary>1-based line of a list file, when the problem is on one line.</summary>
    public int? Line { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }

    private static string Format(string filePath, int? line, string problem) =>
        line is { } l ? $"{filePath}, line {l}: {problem}" : $"{filePath}: {problem}";
}
