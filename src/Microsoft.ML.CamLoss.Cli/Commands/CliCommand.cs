using System.CommandLine;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>One <c>camloss</c> sub-command: its <see cref="Command"/> (options and help) and what it does.</summary>
internal abstract class CliCommand
{
    /// <summary>Creates the command.</summary>
    protected CliCommand(string name, string description) => Command = new System.CommandLine.Command(name, description);

    /// <summary>The command's options, arguments and help text.</summary>
    public System.CommandLine.Command Command { get; }

    /// <summary>Runs the command; errors are thrown (the caller turns them into the one error line).</summary>
    /// <returns>The exit code.</returns>
    public abstract int Execute(ParseResult parse, CliContext context);

    /// <summary>Adds <paramref name="options"/> to the command, in help order.</summary>
    protected void Add(params Option[] options)
    {
        foreach (var option in options)
        {
            Command.Options.Add(option);
        }
    }

    /// <summary><paramref name="value"/>, or a usage error when it is below 1.</summary>
    protected static int AtLeastOne(int value, string option) =>
        value >= 1 ? value : throw new CliException($"{option} must be at least 1; got {value}", ExitCodes.Usage);

    /// <summary>Throws a usage error naming the first of <paramref name="options"/> given on the command line (not just defaulted), unless <paramref name="applies"/>.</summary>
    internal static void RejectUnless(ParseResult parse, bool applies, IEnumerable<Option> options, string condition)
    {
        if (!applies && options.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } given)
        {
            throw new CliException($"{given.Name} applies only with {condition}", ExitCodes.Usage);
        }
    }
}
