using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Explain;
using Microsoft.ML.CamLoss.Cli.Parsing;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary><c>camloss report</c>: a self-contained HTML page about a training run.</summary>
internal sealed class ReportCommand : CliCommand
{
    private readonly Argument<string> _runDir = new("run-dir") { Description = "A run folder written by camloss train or distill (it holds training.jsonl)." };
    private readonly Option<string?> _out = CliOptions.Text("--out", "The HTML file to write (default: RUN_DIR/report.html).", "file", "-o");

    /// <summary>Creates the command and its options.</summary>
    public ReportCommand()
        : base("report", "Write a self-contained HTML page about a training run: curves, test metrics and confusion matrix.")
    {
        Command.Arguments.Add(_runDir);
        Command.Options.Add(_out);
    }

    /// <inheritdoc />
    public override int Execute(ParseResult parse, CliContext context)
    {
        var runDir = Path.GetFullPath(parse.GetRequiredValue(_runDir));
        if (PathKinds.Of(runDir) is var kind && kind != PathKind.Folder)
        {
            throw new CliException("run folder " + PathKinds.Describe(runDir, kind, "give the run folder of a training (the model's NAME.run/, or its --run-dir)"));
        }

        if (!File.Exists(Path.Combine(runDir, "training.jsonl")))
        {
            throw new CliException($"'{runDir}' is not a run folder: it has no training.jsonl (camloss train writes one into <model>.run/ or --run-dir)");
        }

        var output = Path.GetFullPath(parse.GetValue(_out) ?? Path.Combine(runDir, "report.html"));
        ExplanationBackend.WriteReport(runDir, output);
        context.Stdout.WriteLine($"Wrote {output}");
        return ExitCodes.Success;
    }
}
