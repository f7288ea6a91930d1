using System.Diagnostics;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// An exclusive hold on a run folder (a checkpoint directory, the CLI's run folder) for as long as a training run writes
/// there, so that two runs never interleave their checkpoints, logs and models. The hold is an operating-system lock on
/// the file <c>.camloss.lock</c> in the folder (<see cref="FileShare.None"/>: <c>flock</c> on Linux and macOS, a sharing
/// lock on Windows), so it ends with the process however the process ends: a killed run leaves no stale lock behind.
/// Who holds it is written to <c>.camloss.lock.owner</c> for the error message the next run gets. Within one process a
/// second hold is granted only to the same flow of execution (the CLI holds its run folder for the whole command and the
/// training run it starts holds it again); another thread or task of the same process is refused as another process is.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    /// <summary>The lock file's name inside the folder.</summary>
    public const string FileName = ".camloss.lock";

    private static readonly Dictionary<string, (FileStream File, int Holds, object Owner)> Held = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<Dictionary<string, object>?> FlowHolds = new();
    private static readonly Lock Gate = new();
    private readonly string _folder;
    private bool _released;

    private RunFolderLock(string folder) => _folder = folder;

    /// <summary>Takes the hold on <paramref name="folder"/> (created when missing), or throws at once when another process has it.</summary>
    /// <exception cref="IOException">Another process holds the folder: the message names the folder, that process and what to do.</exception>
    public static RunFolderLock Acquire(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var full = Path.GetFullPath(folder);
        lock (Gate)
        {
            if (Held.TryGetValue(full, out var held))
            {
                if (FlowHolds.Value?.GetValueOrDefault(full) is not { } mine || !ReferenceEquals(mine, held.Owner))
                {
                    throw new IOException($"The run folder '{full}' is in use by another training run of this process; wait for it to end, or give this run another folder.");
                }

                Held[full] = (held.File, held.Holds + 1, held.Owner);
                return new RunFolderLock(full);
            }

            Directory.CreateDirectory(full);
            var path = Path.Combine(full, FileName);
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new IOException(
                    $"The run folder '{full}' is in use by another training run ({Owner(full)}); wait for it to end, or give this run another folder.", e);
            }

            using var process = Process.GetCurrentProcess();
            File.WriteAllText(path + ".owner", $"process {Environment.ProcessId} ({process.ProcessName}) on {Environment.MachineName}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
            var owner = new object();
            Held[full] = (file, 1, owner);
            FlowHolds.Value = new Dictionary<string, object>(FlowHolds.Value ?? [], StringComparer.Ordinal) { [full] = owner };
            return new RunFolderLock(full);
        }
    }

    /// <summary>Releases this hold; the folder is free once every hold of this process is released.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_released || !Held.TryGetValue(_folder, out var held))
            {
                return;
            }

            _released = true;
            if (held.Holds > 1)
            {
                Held[_folder] = (held.File, held.Holds - 1, held.Owner);
                return;
            }

            Held.Remove(_folder);
            File.Delete(Path.Combine(_folder, FileName + ".owner"));
            held.File.Dispose();
        }
    }

    private static string Owner(string folder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, FileName + ".owner")).Trim();
        }
        catch (IOException)
        {
            return "a process that did not say who it is";
        }
    }
}
