using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests;

/// <summary>Locates ../shared/data beside the repository; tests that need it report Inconclusive when it is absent.</summary>
public static class SharedData
{
    /// <summary>The repository root (the folder holding Microsoft.ML.CamLoss.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.CamLoss.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("Microsoft.ML.CamLoss.sln not found above the test directory.");
        }
    }

    /// <summary>Path of <paramref name="relative"/> under ../shared/data, or Inconclusive when it is missing.</summary>
    public static string Require(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", relative));
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Assert.Inconclusive($"{path} is not present (the shared data sets live beside the repository).");
        }

        return path;
    }
}
