using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Output;

/// <summary>Spectre.Console consoles over a command's output stream.</summary>
internal static class Consoles
{
    /// <summary>
    /// A console writing to <see cref="CliContext.Stdout"/>: colours and live rendering on a
    /// terminal, plain text 120 columns wide otherwise (files, pipes, tests).
    /// </summary>
    public static IAnsiConsole Create(CliContext context)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Stdout),
            Ansi = context.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = context.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = context.Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!context.Interactive)
        {
            console.Profile.Width = 120;
        }

        return console;
    }
}
