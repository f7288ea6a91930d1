namespace Microsoft.ML.CamLoss.Cli;

/// <summary>The <c>camloss</c> process: <see cref="CamlossApp.Run(string[], TextWriter, TextWriter, CancellationToken)"/> on the console.</summary>
public static class Program
{
    /// <summary>Runs <c>camloss</c> with Ctrl+C cancelling the command (a second Ctrl+C ends the process at once).</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static int Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!cancellation.IsCancellationRequested)
            {
                e.Cancel = true;
                cancellation.Cancel();
            }
        };
        return CamlossApp.Run(args, Console.Out, Console.Error, cancellation.Token, interactive: !Console.IsOutputRedirected);
    }
}
