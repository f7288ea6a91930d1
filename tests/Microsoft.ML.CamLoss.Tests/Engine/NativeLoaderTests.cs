using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>
/// The Debian 12 loader fix (DESIGN.md, fact 1): TorchSharp 0.107's libLibTorchSharp.so needs
/// <c>GLIBCXX_3.4.32</c> (GCC 13) for one symbol it never calls; Debian 12's libstdc++ (GCC 12) lacks it.
/// The build marks that need weak in the build-output copy only when this machine's libstdc++ lacks the
/// version, and never touches the NuGet cache. Checked here by reading the ELF files directly.
/// </summary>
[TestClass]
public sealed class NativeLoaderTests
{
    private const string NativeLibrary = "libLibTorchSharp.so";
    private const string NeededLibrary = "libstdc++.so.6";
    private const string NeededVersion = "GLIBCXX_3.4.32";
    private const string SystemLibStdCxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void OutputLibTorchSharp_Glibcxx3432Need_WeakExactlyWhenThisMachineLacksItAndTheNuGetCacheCopyIsUnchanged()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("The loader fix concerns Linux only.");
        }

        var outputs = Directory.EnumerateFiles(AppContext.BaseDirectory, NativeLibrary, SearchOption.AllDirectories).ToList();
        var cache = NuGetCacheCopy();
        if (outputs.Count == 0 || !File.Exists(SystemLibStdCxx) || !File.Exists(cache))
        {
            Assert.Inconclusive($"Needs {NativeLibrary} under {AppContext.BaseDirectory} ({outputs.Count} found), {SystemLibStdCxx} and {cache}.");
        }

        var defined = ElfVersionNeeds.Definitions(File.ReadAllBytes(SystemLibStdCxx));
        var machineLacksIt = !defined.Contains(NeededVersion);
        var cacheBytes = File.ReadAllBytes(cache);
        var cacheNeed = ElfVersionNeeds.Needs(cacheBytes).Single(n => n.File == NeededLibrary && n.Version == NeededVersion);
        Assert.IsFalse(cacheNeed.IsWeak, $"the NuGet cache copy ({cache}) must keep TorchSharp's strong need for {NeededVersion}");

        foreach (var output in outputs)
        {
            var bytes = File.ReadAllBytes(output);
            var needs = ElfVersionNeeds.Needs(bytes);
            var need = needs.Single(n => n.File == NeededLibrary && n.Version == NeededVersion);
            TestContext.WriteLine($"{output}: {NeededVersion} {(need.IsWeak ? "weak" : "strong")}; {SystemLibStdCxx} {(machineLacksIt ? "lacks" : "defines")} it");
            Assert.AreEqual(machineLacksIt, need.IsWeak, $"{output}: the {NeededVersion} need is weak exactly when {SystemLibStdCxx} lacks that version");

            // Nothing else differs from the cache copy: only the flags of needs this machine cannot meet.
            Assert.AreEqual(cacheBytes.Length, bytes.Length, $"{output}: same size as the NuGet copy");
            var allowed = needs.Where(n => n.File == NeededLibrary && !defined.Contains(n.Version))
                .SelectMany(n => new[] { n.FlagsOffset, n.FlagsOffset + 1 })
                .ToHashSet();
            var changed = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != cacheBytes[i]).Select(i => (long)i).ToList();
            Assert.IsTrue(changed.All(allowed.Contains), $"{output}: bytes changed outside the weakened version flags at {string.Join(", ", changed.Take(10))}");
        }

        Assert.AreEqual(2f, (torch.ones(2).sum()).item<float>(), "TorchSharp loads from this output");
    }

    /// <summary>The NuGet cache's libLibTorchSharp.so for the TorchSharp version this test runs with ($NUGET_PACKAGES, else ~/.nuget/packages).</summary>
    private static string NuGetCacheCopy()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var version = typeof(torch).Assembly.GetName().Version!;
        return Path.Combine(packages, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", "linux-x64", "native", NativeLibrary);
    }
}
