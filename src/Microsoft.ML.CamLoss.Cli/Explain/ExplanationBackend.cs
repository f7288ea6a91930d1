using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Reporting;

namespace Microsoft.ML.CamLoss.Cli.Explain;

/// <summary>The library entry points behind <c>camloss explain</c> and <c>camloss report</c>.</summary>
internal static class ExplanationBackend
{
    /// <summary>Writes a gallery (image, CAM, CAAM, Grad-CAM PNGs and gallery.json) of <paramref name="count"/> images of <paramref name="data"/>.</summary>
    public static void WriteGallery(ImageClassificationModel model, ImageDataset data, string outputDirectory, int count, ulong seed) =>
        ExplanationGallery.Write(model, data, outputDirectory, count, seed);

    /// <summary>Writes the self-contained HTML report of the run in <paramref name="runDirectory"/>.</summary>
    public static void WriteReport(string runDirectory, string outputHtmlPath) => TrainingReport.Write(runDirectory, outputHtmlPath);
}
