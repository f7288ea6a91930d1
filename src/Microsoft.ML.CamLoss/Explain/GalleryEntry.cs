namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// One image of an <see cref="ExplanationGallery"/>: where it came from, what the model said, the
/// three maps, and the files written for it.
/// </summary>
public sealed class GalleryEntry
{
    internal GalleryEntry(
        string source, string trueLabel, string predictedLabel, float probability, Heatmap cam, Heatmap caam, Heatmap gradCam, string rowFile, string imageFile)
    {
        Source = source;
        TrueLabel = trueLabel;
        PredictedLabel = predictedLabel;
        Probability = probability;
        Cam = cam;
        Caam = caam;
        GradCam = gradCam;
        RowFile = rowFile;
        ImageFile = imageFile;
    }

    /// <summary>The image's file path or name in the data set.</summary>
    public string Source { get; }

    /// <summary>The image's class in the data set.</summary>
    public string TrueLabel { get; }

    /// <summary>The model's most probable class.</summary>
    public string PredictedLabel { get; }

    /// <summary>The softmax probability of <see cref="PredictedLabel"/>.</summary>
    public float Probability { get; }

    /// <summary>Whether the prediction is the true class.</summary>
    public bool IsCorrect => string.Equals(TrueLabel, PredictedLabel, StringComparison.Ordinal);

    /// <summary>The CAM of the predicted class at the last feature map's resolution, raw values (no ReLU, not normalised).</summary>
    public Heatmap Cam { get; }

    /// <summary>The class-agnostic activation map (channel sum of the last features) at feature resolution, raw values.</summary>
    public Heatmap Caam { get; }

    /// <summary>
    /// The Grad-CAM of the predicted class at feature resolution (non-negative: Grad-CAM ends in a
    /// ReLU). For these backbones (global average pooling, then one linear layer) it equals
    /// <c>ReLU(<see cref="Cam"/>) / (H·W)</c>, so it differs from the CAM only where the CAM is negative, and in scale.
    /// </summary>
    public Heatmap GradCam { get; }

    /// <summary>File name (in the gallery folder) of the row picture: image | CAM | CAAM | Grad-CAM.</summary>
    public string RowFile { get; }

    /// <summary>File name (in the gallery folder) of the picture alone, as the network saw it (geometrically), enlarged.</summary>
    public string ImageFile { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Source}: {TrueLabel} → {PredictedLabel} ({Probability:P1})";
}
