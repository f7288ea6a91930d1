using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Cli.Training;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>
/// Where a training run writes: <c>--output</c>, <c>--run-dir</c>, and <c>--resume</c> / <c>--overwrite</c> for an
/// existing run folder. <paramref name="outputRequired"/> false: the command checks itself that <c>--output</c> is given when it trains.
/// </summary>
internal sealed class RunOptions(bool outputRequired = true)
{
    private readonly Option<string> _output = new("--output", "-o")
    {
        Description = "The ML.NET model zip to write (e.g. birds.zip); the run folder beside it (birds.run/) keeps the checkpoint.",
        HelpName = "model",
        Required = outputRequired,
    };

    private readonly Option<string?> _runDir = CliOptions.Text(
        "--run-dir", "The run folder: checkpoint, training.jsonl, run.json, evaluation.json, model.json, consume/ (default: the --output path without its extension, plus .run).", "dir");

    private readonly Option<bool> _resume = CliOptions.Flag("--resume", "Continue the run whose checkpoint is in the run folder (after Ctrl+C or a crash); give the same options as the first time.");
    private readonly Option<bool> _overwrite = CliOptions.Flag("--overwrite", "Start a new run even if the run folder holds an earlier run's checkpoint (its files are deleted).");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(System.CommandLine.Command command)
    {
        command.Options.Add(_output);
        command.Options.Add(_runDir);
        command.Options.Add(_resume);
        command.Options.Add(_overwrite);
    }

    /// <summary>The ML.NET model's path, as a full path.</summary>
    public string Output(ParseResult parse) =>
        Path.GetFullPath(parse.GetValue(_output) ?? throw new CliException("--output is required to train: name the ML.NET model zip to write (e.g. --output birds.zip)", ExitCodes.Usage));

    /// <summary>The run folder.</summary>
    public RunFolder Folder(ParseResult parse) => new(Output(parse), parse.GetValue(_runDir));

    /// <summary>Whether <c>--resume</c> was given.</summary>
    public bool Resume(ParseResult parse) => parse.GetValue(_resume);

    /// <summary>Whether <c>--overwrite</c> was given.</summary>
    public bool Overwrite(ParseResult parse) => parse.GetValue(_overwrite);
}
