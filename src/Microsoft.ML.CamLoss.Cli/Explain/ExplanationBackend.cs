using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Pipelines;

namespace Microsoft.ML.CamLoss.Cli.Explain;

/// <summary>
/// The library entry points behind <c>camloss explain</c> and <c>camloss report</c>:
/// <c>Microsoft.ML.CamLoss.Explain.ExplanationGallery.Write</c> and
/// <c>Microsoft.ML.CamLoss.Reporting.TrainingReport.Write</c>. They are being written on another
/// branch; until it is merged into this one, both commands end with a one-line error saying so.
/// After the merge each body becomes the one call in its comment.
/// </summary>
internal static class ExplanationBackend
{
    /// <summary>Writes a gallery (image, CAM, CAAM, Grad-CAM PNGs and gallery.json) of <paramref name="count"/> images of <paramref name="data"/>.</summary>
    public static void WriteGallery(ImageClassificationModel model, ImageDataset data, string outputDirectory, int count, ulong seed)
    {
        // After the merge: Microsoft.ML.CamLoss.Explain.ExplanationGallery.Write(model, data, outputDirectory, count, seed);
        _ = (model, data, outputDirectory, count, seed);
        throw NotYetAvailable("explain", "ExplanationGallery");
    }

    /// <summary>Writes the self-contained HTML report of the run in <paramref name="runDirectory"/>.</summary>
    public static void WriteReport(string runDirectory, string outputHtmlPath)
    {
        // After the merge: Microsoft.ML.CamLoss.Reporting.TrainingReport.Write(runDirectory, outputHtmlPath);
        _ = (runDirectory, outputHtmlPath);
        throw NotYetAvailable("report", "TrainingReport");
    }

    private static CliException NotYetAvailable(string command, string type) =>
        new($"camloss {command} needs {type} from Microsoft.ML.CamLoss, which this build does not include yet");
}
