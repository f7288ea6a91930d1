namespace Microsoft.ML.CamLoss.Data;

/// <summary>The checks a data set makes on its image files when it is loaded (cheap: one stat per file).</summary>
internal static class ImageFileChecks
{
    /// <summary>
    /// Whether <paramref name="fullPath"/> (already made absolute) lies inside <paramref name="folder"/>: a list file names
    /// images relative to the data set's folder, and an entry such as <c>../../etc/passwd</c> must not reach outside it.
    /// </summary>
    public static bool IsInside(string fullPath, string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        return fullPath.StartsWith(root, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    /// <summary>A problem with the image file at <paramref name="path"/> (missing, empty), or null.</summary>
    public static DatasetException? Check(string path)
    {
        var info = new FileInfo(path);
        return Directory.Exists(path) ? new DatasetException(path, "is a folder, not an image file.")
            : !info.Exists ? new DatasetException(path, "the image file does not exist.")
            : info.Length == 0 ? new DatasetException(path, "the image file is empty (0 bytes).")
            : null;
    }

    /// <summary>
    /// A problem with the image <paramref name="path"/> named in <paramref name="listFile"/> (on
    /// <paramref name="line"/> of a text list, or as <paramref name="entry"/> of a .mat list), or null.
    /// </summary>
    public static DatasetException? CheckListed(string path, string listFile, int? line, string? entry = null)
    {
        var info = new FileInfo(path);
        var who = entry is null ? "lists" : $"{entry} is";
        return !info.Exists ? new DatasetException(listFile, $"{who} the image '{path}', which does not exist.", line)
            : info.Length == 0 ? new DatasetException(listFile, $"{who} the image '{path}', which is empty (0 bytes).", line)
            : null;
    }
}
