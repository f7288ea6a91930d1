using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Reporting;

namespace Microsoft.ML.CamLoss.Cli.Explain;

/// <summary>The library entry point behind <c>camloss report</c> (<c>camloss explain</c> writes through <see cref="Models.ScoringModel.WriteGallery"/>).</summary>
internal static class ExplanationBackend
{
    /// <summary>Writes the self-contained HTML report of the run in <paramref name="runDirectory"/>.</summary>
    public static void WriteReport(string runDirectory, string outputHtmlPath) => TrainingReport.Write(runDirectory, outputHtmlPath);
}
