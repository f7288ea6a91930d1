using System.Text.RegularExpressions;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>
/// TorchSharp 0.107 has no error handler around a few native calls: a libtorch error there ends the
/// process (C++ <c>std::terminate</c>), with nothing to catch. <c>matmul</c> (THSTensor_matmul) is one:
/// mismatched shapes abort. <c>autograd.grad</c> (THSAutograd_grad) is another: an input the outputs do
/// not depend on aborts unless <c>allow_unused</c> is set. These tests never call them with bad
/// arguments; they show that our own sources (library and CLI) cannot reach them that way.
/// </summary>
[TestClass]
public sealed partial class AbortGuardTests
{
    [TestMethod]
    public void LibrarySource_CallsNoUnguardedMatrixProduct()
    {
        // bmm and mm have TorchSharp's error handler and are used after explicit shape checks;
        // matmul (any spelling), einsum and the mm family on arbitrary ranks are not used at all.
        var offenders = LibrarySourceLines()
            .Where(line => ForbiddenProduct().IsMatch(line.Code))
            .Select(line => $"{line.File}:{line.Number}: {line.Code.Trim()}")
            .ToList();

        Assert.AreEqual(0, offenders.Count, "calls that can abort the process on a shape error:\n" + string.Join("\n", offenders));
    }

    [TestMethod]
    public void LibrarySource_AutogradGradCallsAllowUnusedInputs()
    {
        // With allow_unused, an input off the graph gives an undefined gradient (a tensor whose
        // IsInvalid is true) that the caller can turn into an exception, instead of a process abort.
        var calls = LibrarySourceStatements()
            .Where(statement => statement.Code.Contains("autograd.grad(", StringComparison.Ordinal))
            .ToList();
        var offenders = calls
            .Where(statement => !AllowUnusedTrue().IsMatch(statement.Code))
            .Select(statement => $"{statement.File}:{statement.Number}: {statement.Code.Trim()}")
            .ToList();

        Assert.AreEqual(0, offenders.Count, "autograd.grad without allow_unused: true (an unused input aborts the process):\n" + string.Join("\n", offenders));
    }

    [TestMethod]
    public void ClassActivationMaps_MismatchedProductShapes_ThrowArgumentExceptionNotAnAbort()
    {
        // The batched product [B, 1, K]·[B, K, HW] behind CAMs, with each operand wrong in turn. (No such
        // case for GradientAttention here: a missing check there would reach autograd.grad and abort the run.)
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        var features = torch.rand(2, 8, 3, 3);
        var weight = torch.randn(5, 8);
        var labels = torch.tensor(new long[] { 1, 4 });

        Assert.ThrowsExactly<ArgumentException>(() => ActivationMaps.Cam(features, torch.randn(5, 6), labels), "K of the weight");
        Assert.ThrowsExactly<ArgumentException>(() => ActivationMaps.Cam(features, torch.randn(5, 8, 1), labels), "rank of the weight");
        Assert.ThrowsExactly<ArgumentException>(() => ActivationMaps.Cam(torch.rand(2, 8, 9), weight, labels), "rank of the features");
        Assert.ThrowsExactly<ArgumentException>(() => ActivationMaps.Cam(features, weight, torch.tensor(new long[] { 1, 4, 0 })), "batch of the labels");

        CollectionAssert.AreEqual(new long[] { 2, 3, 3 }, ActivationMaps.Cam(features, weight, labels).shape, "the checked product still works");
    }

    /// <summary>matmul(…), .mm(…), torch.mm(…), einsum(…), and the mm-family products that broadcast or hide a matmul.</summary>
    [GeneratedRegex(@"(?i)\bmatmul\s*\(|\.mm\s*\(|\btorch\.mm\s*\(|\beinsum\s*\(|\bchain_matmul\s*\(|\bmulti_dot\s*\(")]
    private static partial Regex ForbiddenProduct();

    [GeneratedRegex(@"allow_unused\s*:\s*true")]
    private static partial Regex AllowUnusedTrue();

    /// <summary>Every line of the library's and the CLI's C# files, outside comments (Inconclusive when the sources are not beside the tests).</summary>
    private static IEnumerable<SourceLine> LibrarySourceLines()
    {
        foreach (var file in LibrarySourceFiles())
        {
            var number = 0;
            foreach (var line in File.ReadLines(file.FullPath))
            {
                number++;
                var code = StripComment(line);
                if (code.Length > 0)
                {
                    yield return new SourceLine(file.Relative, number, code);
                }
            }
        }
    }

    /// <summary>The library's code as statements (text up to each ';'), numbered by the line they start on.</summary>
    private static IEnumerable<SourceLine> LibrarySourceStatements()
    {
        var current = new System.Text.StringBuilder();
        string? file = null;
        var start = 0;
        foreach (var line in LibrarySourceLines())
        {
            if (file != line.File)
            {
                current.Clear();
                file = line.File;
            }

            if (current.Length == 0)
            {
                start = line.Number;
            }

            current.Append(line.Code).Append(' ');
            if (line.Code.Contains(';'))
            {
                yield return new SourceLine(line.File, start, current.ToString());
                current.Clear();
            }
        }
    }

    /// <summary>The C# files of the library and the CLI (src/Microsoft.ML.CamLoss, src/Microsoft.ML.CamLoss.Cli), without build outputs.</summary>
    private static List<(string FullPath, string Relative)> LibrarySourceFiles()
    {
        var root = RepositoryRoot();
        string[] projects = ["Microsoft.ML.CamLoss", "Microsoft.ML.CamLoss.Cli"];
        string[] folders = root is null ? [] : projects.Select(p => Path.Combine(root, "src", p)).ToArray();
        if (root is null || !folders.All(Directory.Exists))
        {
            Assert.Inconclusive("The sources (src/Microsoft.ML.CamLoss, src/Microsoft.ML.CamLoss.Cli) are not beside the test assembly.");
        }

        var files = folders
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Select(path => (FullPath: path, Relative: Path.GetRelativePath(root!, path).Replace('\\', '/')))
            .Where(f => !f.Relative.Contains("/obj/", StringComparison.Ordinal) && !f.Relative.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => !f.Relative.Contains("/buildTransitive/", StringComparison.Ordinal))   // the MSBuild task, not library code
            .ToList();
        Assert.IsTrue(files.Count > 50, $"only {files.Count} source files found under {string.Join(", ", folders)}");
        return files;
    }

    /// <summary>The folder holding Microsoft.ML.CamLoss.sln above the test assembly, or null.</summary>
    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.CamLoss.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>The line without a trailing <c>//</c> comment (string literals are rare enough here to ignore); blank for comment lines.</summary>
    private static string StripComment(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith("*", StringComparison.Ordinal) || trimmed.StartsWith("/*", StringComparison.Ordinal))
        {
            return string.Empty;
        }

        var comment = line.IndexOf("//", StringComparison.Ordinal);
        return (comment >= 0 ? line[..comment] : line).TrimEnd();
    }

    private sealed record SourceLine(string File, int Number, string Code);
}
