namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// File names that are not valid UTF-8. On Linux .NET decodes every name as UTF-8 and puts U+FFFD (�) where the
/// bytes are invalid, so such a name cannot be opened again by the string .NET gives for it: the file is listed,
/// then "not found". We name the problem instead, and let the rest of the folder load.
/// </summary>
public static class UndecodableFileNames
{
    /// <summary>What to do about one, for messages.</summary>
    public const string Advice = "its name is not valid UTF-8, which .NET cannot open; rename it (e.g. convmv -f latin1 -t utf8)";

    /// <summary>True when <paramref name="path"/> holds U+FFFD and nothing is there under that name, i.e. a name .NET could not decode.</summary>
    public static bool IsUndecodable(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Contains('\uFFFD', StringComparison.Ordinal) && !File.Exists(path) && !Directory.Exists(path);
    }
}
