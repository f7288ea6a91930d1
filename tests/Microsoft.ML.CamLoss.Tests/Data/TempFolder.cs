namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>A fresh folder under the system temp folder, deleted on dispose; bad files for the tests are made here.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "camloss-data-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="relative"/> (creating folders) and returns the full path.</summary>
    public string Write(string relative, ReadOnlySpan<byte> bytes)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes.ToArray());
        return full;
    }

    /// <summary>Writes text lines (LF) to <paramref name="relative"/> and returns the full path.</summary>
    public string WriteLines(string relative, params IEnumerable<string> lines)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, string.Concat(lines.Select(l => l + "\n")));
        return full;
    }

    /// <summary>Creates the folder <paramref name="relative"/> and returns its full path.</summary>
    public string Folder(string relative) => Directory.CreateDirectory(System.IO.Path.Combine(Path, relative)).FullName;

    public void Dispose() => DeleteTree(Path);

    /// <summary>
    /// Deletes <paramref name="folder"/> and everything in it, quietly. A file whose name is not valid UTF-8 (see
    /// <see cref="SyntheticTrees.RenameToLatin1"/>) defeats <see cref="Directory.Delete(string, bool)"/>; rm removes it.
    /// </summary>
    public static void DeleteTree(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            using var remove = System.Diagnostics.Process.Start("rm", ["-rf", "--", folder]);
            remove.WaitForExit();
        }
    }
}
