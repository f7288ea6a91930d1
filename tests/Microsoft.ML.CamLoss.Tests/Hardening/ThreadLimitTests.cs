using System.Diagnostics;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Hardening;

/// <summary>
/// Under a low limit on threads (ulimit -u, a container's pids limit) training used to hang at 0 % CPU in libtorch's
/// pool (issue 19, item 3); now it stops at once with one line. The limit binds only a user other than root, so the
/// test runs the training host as 'nobody' through setpriv(1) (util-linux), and is Inconclusive where it cannot.
/// </summary>
[TestClass]
public sealed class ThreadLimitTests
{
    [TestMethod]
    public void Train_MoreThreadsThanTheLimitAllows_OneLineInsteadOfAHang_EnoughStillTrains()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv") || !File.Exists("/bin/bash"))
        {
            Assert.Inconclusive("needs Linux, root (to become 'nobody') and util-linux's setpriv");
        }

        if (!OthersCanRun(AppContext.BaseDirectory))
        {
            Assert.Inconclusive($"'nobody' cannot reach {AppContext.BaseDirectory} (a folder above it is not open to others)");
        }

        using var temp = new TempFolder();
        var images = SyntheticTrees.ImageFolder(temp, "flowers", 4, "daisy", "rose");
        foreach (var path in Directory.EnumerateFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories).Append(temp.Path))
        {
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(path, Directory.Exists(path) ? (UnixFileMode)Convert.ToInt32("777", 8) : (UnixFileMode)Convert.ToInt32("644", 8));
            }
        }

        // 20 lets the .NET runtime start (it failed to under 12 once, on a loaded machine) but not add the 15 threads asked for.
        var refused = RunAsNobody(temp.Path, processLimit: 20, images, threads: 8, workers: 8);
        Assert.AreEqual(1, refused.ExitCode, refused.Output);
        StringAssert.Contains(refused.Output, "extra threads that 8 intra-op threads (Threads) and 8 loader workers (DataLoaderWorkers) need");
        StringAssert.Contains(refused.Output, "Lower Threads or DataLoaderWorkers (--threads, --workers), or raise the limit.");

        var enough = RunAsNobody(temp.Path, processLimit: 400, images, threads: 2, workers: 1);
        Assert.AreEqual(0, enough.ExitCode, enough.Output);
        StringAssert.Contains(enough.Output, "done");
    }

    /// <summary>Whether every folder from / down to <paramref name="folder"/> lets others through and the files there are readable by others.</summary>
    private static bool OthersCanRun(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        for (var d = new DirectoryInfo(folder); d is not null; d = d.Parent)
        {
            if (!File.GetUnixFileMode(d.FullName).HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return File.GetUnixFileMode(Path.Combine(folder, "Microsoft.ML.CamLoss.TrainingHost.dll")).HasFlag(UnixFileMode.OtherRead);
    }

    private static (int ExitCode, string Output) RunAsNobody(string home, int processLimit, string images, int threads, int workers)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.CamLoss.TrainingHost.dll");
        var start = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/bash", "-c", $"ulimit -u {processLimit} && exec dotnet exec \"{host}\" threads \"{images}\" {threads} {workers}" })
        {
            start.ArgumentList.Add(argument);
        }

        start.WithHome(home);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start setpriv");
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"the training host hung under ulimit -u {processLimit} with {threads} threads and {workers} workers");
        }

        return (child.ExitCode, output.Result + errors.Result);
    }
}
