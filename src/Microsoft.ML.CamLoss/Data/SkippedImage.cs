namespace Microsoft.ML.CamLoss.Data;

/// <summary>One image (or folder) left out because <see cref="ImageDatasetOptions.SkipInvalidImages"/> is on.</summary>
/// <param name="FilePath">The file at fault (a list file when <paramref name="Line"/> is set).</param>
/// <param name="Line">1-based line of a list file, when the problem is on one line.</param>
/// <param name="Reason">What was wrong.</param>
public sealed record SkippedImage(string FilePath, int? Line, string Reason)
{
    /// <summary>The same text as the <see cref="DatasetException"/> message it replaces.</summary>
    public override string ToString() => Line is { } l ? $"{FilePath}, line {l}: {Reason}" : $"{FilePath}: {Reason}";
}
