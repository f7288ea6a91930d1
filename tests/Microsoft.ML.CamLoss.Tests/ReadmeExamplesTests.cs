using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests;

/// <summary>The README's C# examples compile against the current API.</summary>
[TestClass]
public sealed partial class ReadmeExamplesTests
{
    [TestMethod]
    public void ReadmeCSharpBlocks_CompileAgainstTheLibrary()
    {
        var readme = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "README.md"));
        var blocks = CSharpBlock().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        Assert.IsTrue(blocks.Count > 0, "README.md has no ```csharp block");

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Append(typeof(torch).Assembly.Location)
            .Append(typeof(Backbone).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path));
        for (var i = 0; i < blocks.Count; i++)
        {
            var compilation = CSharpCompilation.Create(
                $"ReadmeBlock{i}",
                [CSharpSyntaxTree.ParseText(blocks[i], new CSharpParseOptions(LanguageVersion.Preview)), CSharpSyntaxTree.ParseText(ImplicitUsings, new CSharpParseOptions(LanguageVersion.Preview))],
                references,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, allowUnsafe: true));
            using var output = new MemoryStream();
            var result = compilation.Emit(output);
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
            Assert.IsTrue(result.Success, $"README block {i + 1} does not compile:\n{string.Join("\n", errors)}");
        }
    }

    /// <summary>The global usings a <c>dotnet new console</c> project has (ImplicitUsings), which README readers compile with.</summary>
    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
