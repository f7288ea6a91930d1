using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Output;

/// <summary>How every command reports what <c>--skip-invalid-images</c> left out: a count and the first few on the console, every one in JSON.</summary>
internal static class SkipReporting
{
    private const int Shown = 3;

    /// <summary>
    /// Says how many images were left out of <paramref name="part"/>, and the first few with their reasons (nothing when
    /// none were), as one unwrapped line: file paths stay whole for copying and grep.
    /// </summary>
    public static void Write(IAnsiConsole console, string part, SkipReport skips, string whereAll)
    {
        if (skips.Count > 0)
        {
            var first = skips.Items.Take(Shown).Select(s => s.ToString());
            console.Profile.Out.Writer.WriteLine($"Skipped {skips.Count} invalid {part} image(s) (--skip-invalid-images): {string.Join("; ", first)}{(skips.Count > Shown ? "; …" : string.Empty)} (all in {whereAll})");
        }
    }

    /// <summary>Every skipped image as <c>{ file, line, reason }</c>.</summary>
    public static JsonArray ToJson(SkipReport skips) =>
        [.. skips.Items.Select(s => new JsonObject { ["file"] = s.FilePath, ["line"] = s.Line, ["reason"] = s.Reason })];
}
