using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Output;

/// <summary>How every command reports what <c>--skip-invalid-images</c> left out: a count and the first few on the console, every one in JSON.</summary>
internal static class SkipReporting
{
    private const int Shown = 3;

    /// <summary>
    /// Says how many images were left out of <paramref name="part"/> and why (nothing when none were), as one unwrapped
    /// line (file paths stay whole for copying and grep): the first few, and where the rest are, when
    /// <paramref name="whereAll"/> names a file that lists them all; every one otherwise.
    /// </summary>
    public static void Write(IAnsiConsole console, string part, SkipReport skips, string? whereAll)
    {
        if (skips.Count > 0)
        {
            var shown = whereAll is null ? skips.Items : skips.Items.Take(Shown);
            var rest = whereAll is null ? string.Empty : $"{(skips.Count > Shown ? "; …" : string.Empty)} (all in {whereAll})";
            console.Profile.Out.Writer.WriteLine(
                $"Skipped {skips.Count} invalid {part} image(s) (--skip-invalid-images): {string.Join("; ", shown.Select(s => s.ToString().TrimEnd('.')))}{rest}");
        }
    }

    /// <summary>Every skipped image as <c>{ file, line, reason }</c>.</summary>
    public static JsonArray ToJson(SkipReport skips) =>
        [.. skips.Items.Select(s => new JsonObject { ["file"] = s.FilePath, ["line"] = s.Line, ["reason"] = s.Reason })];
}
