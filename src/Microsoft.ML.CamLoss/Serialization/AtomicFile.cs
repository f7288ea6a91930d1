namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Writes a file so that a reader sees either the old file or the whole new one: the bytes go to a temporary file
/// <c>.NAME.GUID.tmp</c> in the same folder, are flushed to disk and then moved over <c>NAME</c>. A failed write leaves the
/// old file untouched and no temporary file. A process killed mid-write leaves its temporary file behind; the next
/// write of the same file deletes such orphans once they are an hour old (a write in progress elsewhere is younger).
/// </summary>
internal static class AtomicFile
{
    /// <summary>How old an orphaned temporary file of the same target must be before a later write deletes it.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromHours(1);

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/> (the folder must exist).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        DeleteOrphans(folder, Path.GetFileName(full));
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);   // nothing there after the move; the partial file after a failure
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text)));

    /// <summary>The paths of the temporary files a write of <paramref name="name"/> in <paramref name="folder"/> makes.</summary>
    public static IEnumerable<string> TemporaryFiles(string folder, string name) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, $".{name}.*.tmp") : [];

    private static void DeleteOrphans(string folder, string name)
    {
        foreach (var orphan in TemporaryFiles(folder, name))
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(orphan) > OrphanAge)
                {
                    File.Delete(orphan);
                }
            }
            catch (IOException)
            {
                // Another process is using or has just removed it: not an orphan to worry about.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to delete.
            }
        }
    }
}
