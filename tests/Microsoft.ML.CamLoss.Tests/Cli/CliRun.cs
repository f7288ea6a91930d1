using Microsoft.ML.CamLoss.Cli;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary>One in-process run of <c>camloss</c>: its exit code and what it wrote.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Runs <c>camloss</c> with <paramref name="args"/>.</summary>
    public static CliRun Of(params string[] args) => Of(CancellationToken.None, new StringWriter(), args);

    /// <summary>Runs <c>camloss</c> with <paramref name="args"/>, cancellable, writing stdout to <paramref name="stdout"/>.</summary>
    public static CliRun Of(CancellationToken cancellationToken, StringWriter stdout, params string[] args)
    {
        var stderr = new StringWriter();
        var code = CamlossApp.Run(args, stdout, stderr, cancellationToken);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts the run succeeded with nothing on stderr.</summary>
    public CliRun AssertSucceeded()
    {
        Assert.AreEqual(ExitCodes.Success, ExitCode, $"stderr: {Stderr}");
        Assert.AreEqual(string.Empty, Stderr);
        return this;
    }

    /// <summary>
    /// Asserts the run failed with exit code <paramref name="exitCode"/> and exactly one line on
    /// stderr, with no stack trace, naming each of <paramref name="mentions"/>.
    /// </summary>
    public CliRun AssertOneLineError(int exitCode, params string[] mentions)
    {
        Assert.AreEqual(exitCode, ExitCode, $"stderr: {Stderr}");
        var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, $"stderr should be one line: {Stderr}");
        Assert.DoesNotContain("   at ", Stderr, "a stack trace reached stderr");
        Assert.StartsWith("camloss", lines[0]);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, lines[0]);
        }

        return this;
    }
}
