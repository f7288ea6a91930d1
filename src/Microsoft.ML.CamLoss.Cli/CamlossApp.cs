using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Microsoft.ML.CamLoss.Cli.Commands;
using Microsoft.ML.CamLoss.Cli.Output;

namespace Microsoft.ML.CamLoss.Cli;

/// <summary>
/// The <c>camloss</c> command line, runnable in-process: <see cref="Run(string[], TextWriter, TextWriter, CancellationToken)"/>
/// parses the arguments, runs the command with the given streams and cancellation, and returns the
/// exit code. Results go to stdout; a failure is one line on stderr (<c>camloss &lt;command&gt;: what
/// is wrong</c>) and a non-zero exit code (see <see cref="ExitCodes"/>), with the stack trace only
/// under <c>--verbose</c>.
/// </summary>
public static class CamlossApp
{
    /// <summary>The command's name.</summary>
    public const string Name = "camloss";

    /// <summary>Runs <c>camloss</c> with <paramref name="args"/>, writing plain text (no live progress bars).</summary>
    /// <param name="args">The arguments after the program name, e.g. <c>["evaluate", "--model", "flowers.zip", "--data", "flowers", "--json"]</c>.</param>
    /// <param name="stdout">Receives results: tables, JSON, predictions, one line per training epoch.</param>
    /// <param name="stderr">Receives the error line, and log messages with <c>--verbose</c>.</param>
    /// <param name="cancellationToken">Stops the command; training writes a checkpoint and exits with <see cref="ExitCodes.Cancelled"/>.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        Run(args, stdout, stderr, cancellationToken, interactive: false);

    /// <summary>Runs <c>camloss</c>; <paramref name="interactive"/>: stdout is a terminal (live progress bars, colours).</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, bool interactive)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log progress messages to stderr, and show full details (stack trace) of an error.", Recursive = true };
        var root = new System.CommandLine.Command(Name, "Train, distill, evaluate and explain CAM-loss image classifiers: point it at a data set folder, get a model.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption { Action = new VersionAction(stdout, stderr) });
        root.Options.Add(verbose);
        var context = new CliContext(stdout, stderr, cancellationToken, interactive);
        CliCommand[] commands = [new TrainCommand(), new DistillCommand(), new EvaluateCommand(), new PredictCommand(), new ExplainCommand(), new ReportCommand(), new ExportCommand(), new FewShotCommand()];
        foreach (var command in commands)
        {
            command.Command.SetAction(parse => Execute(command, parse, context with { Verbose = parse.GetValue(verbose) }));
            root.Subcommands.Add(command.Command);
        }

        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        root.SetAction(_ =>
        {
            root.Parse(["--help"]).Invoke(invocation);
            return ExitCodes.Usage;
        });

        var result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            var command = CommandName(result);
            stderr.WriteLine($"{command}: {ErrorReport.OneLine(new CliException(result.Errors[0].Message)).TrimEnd('.')} (see '{command} --help')");
            stderr.Flush();
            return ExitCodes.Usage;
        }

        return result.Invoke(invocation);
    }

    private static int Execute(CliCommand command, ParseResult parse, CliContext context)
    {
        try
        {
            return command.Execute(parse, context);
        }
        catch (Exception e)
        {
            return ErrorReport.Write(context.Stderr, CommandName(parse), e, context.Verbose);
        }
    }

    /// <summary><c>camloss</c> or <c>camloss &lt;command&gt;</c>, as errors name themselves.</summary>
    private static string CommandName(ParseResult parse) =>
        parse.CommandResult.Command.Name == Name ? Name : $"{Name} {parse.CommandResult.Command.Name}";
}
