using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>
/// Two runs on one run folder (issue 19, item 1): the second is refused before it writes anything, with one line naming
/// the folder and who holds it; a hold ends with its process, so a killed run leaves no stale lock.
/// </summary>
[TestClass]
public sealed class RunFolderLockTests
{
    private string _folder = null!;

    [TestInitialize]
    public void Create() => _folder = Path.Combine(Path.GetTempPath(), "camloss-lock-" + Guid.NewGuid().ToString("N")[..12]);

    [TestCleanup]
    public void Delete()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [TestMethod]
    public void Acquire_FolderHeldByAnotherProcess_RefusedNamingFolderAndOwner_FreeOnceItEnds()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/flock"))
        {
            Assert.Inconclusive("needs Linux and util-linux's flock(1) to hold the lock from another process");
        }

        Directory.CreateDirectory(_folder);
        var lockFile = Path.Combine(_folder, RunFolderLock.FileName);
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["--exclusive", "--close", lockFile, "sleep", "30"]) { UseShellExecute = false })!;
        try
        {
            var held = SpinWait.SpinUntil(() => !FreeToFlock(lockFile), TimeSpan.FromSeconds(10));
            Assert.IsTrue(held, "flock(1) took the lock");
            File.WriteAllText(lockFile + ".owner", "process 4242 (camloss) on build-7, since 2026-12-01 10:00:00 UTC");
            var error = Assert.ThrowsExactly<IOException>(() => RunFolderLock.Acquire(_folder));
            StringAssert.Contains(error.Message, $"The run folder '{_folder}' is in use by another training run (process 4242 (camloss) on build-7");
            Assert.IsFalse(error.Message.Contains('\n', StringComparison.Ordinal), error.Message);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }

        // The dead process's lock is gone with it (the kernel releases it when the process's last descriptor closes).
        var free = Enumerable.Range(0, 40).Any(_ =>
        {
            try
            {
                RunFolderLock.Acquire(_folder).Dispose();
                return true;
            }
            catch (IOException)
            {
                Thread.Sleep(50);
                return false;
            }
        });
        Assert.IsTrue(free, "the folder is free once the holding process is gone");
    }

    /// <summary>Whether flock(1) could take <paramref name="path"/> right now (without waiting).</summary>
    private static bool FreeToFlock(string path)
    {
        using var probe = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["--nonblock", "--exclusive", path, "true"]) { UseShellExecute = false })!;
        probe.WaitForExit();
        return probe.ExitCode == 0;
    }

    [TestMethod]
    public void Acquire_SameFlowTwice_Reentrant_OtherTaskRefused_FreeAfterLastRelease()
    {
        using (var outer = RunFolderLock.Acquire(_folder))
        {
            using (RunFolderLock.Acquire(_folder))
            {
            }

            Task<RunFolderLock> other;
            using (ExecutionContext.SuppressFlow())
            {
                other = Task.Run(() => RunFolderLock.Acquire(_folder));   // another flow: not the holder's
            }

            var error = Assert.ThrowsExactly<IOException>(() => other.GetAwaiter().GetResult());
            StringAssert.Contains(error.Message, "is in use by another training run of this process");
        }

        Task.Run(() => RunFolderLock.Acquire(_folder).Dispose()).GetAwaiter().GetResult();
    }

    [TestMethod]
    public void Fit_CheckpointDirectoryHeldByAnotherRun_RefusedBeforeWritingAnything()
    {
        var data = ImageFolder.Load(Path.Combine(SharedData.Require("flowers12"), "test"));
        var pipeline = new ImagePipeline().Resize(32, 32).NormalizeImageNet();
        var trainer = new CamLossImageClassificationTrainer(new()
        {
            Architecture = Architecture.ResNet8, Epochs = 1, BatchSize = 32, CheckpointDirectory = _folder, Seed = 1,
        });

        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var otherRun = Task.Factory.StartNew(
            () =>
            {
                using var hold = RunFolderLock.Acquire(_folder);
                started.Set();
                release.Wait();
            },
            TaskCreationOptions.LongRunning);
        started.Wait();
        try
        {
            var error = Assert.ThrowsExactly<IOException>(() => trainer.Fit(data, pipeline));
            StringAssert.Contains(error.Message, $"The run folder '{_folder}' is in use by another training run");
            CollectionAssert.AreEquivalent(
                new[] { RunFolderLock.FileName, RunFolderLock.FileName + ".owner" },
                Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName).ToArray(),
                "nothing written beside the lock");
        }
        finally
        {
            release.Set();
            otherRun.GetAwaiter().GetResult();
        }
    }
}
