using Microsoft.ML.CamLoss.Scoring;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>How <see cref="OnnxExport"/> writes a classifier as an ONNX graph.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>The activation maps to output; default <see cref="OnnxMaps.None"/>.</summary>
    public OnnxMaps Maps = OnnxMaps.None;

    /// <summary>
    /// The size of the map outputs; default <see cref="MapResolution.Feature"/> (<c>h × w</c>, the values the
    /// losses see). <see cref="MapResolution.Input"/> resizes them bilinearly to the input's <c>H × W</c>
    /// inside the graph (ONNX <c>Resize</c>, linear, half-pixel: PyTorch's <c>interpolate(…, "bilinear", align_corners=False)</c>).
    /// </summary>
    public MapResolution MapResolution = MapResolution.Feature;

    /// <summary>
    /// Folds each BatchNorm into the convolution before it (<c>W' = W·s</c>, <c>b' = (b − μ)·s + β</c>,
    /// <c>s = γ / √(σ² + ε)</c>, computed in float64); default true. BatchNorms that follow no convolution
    /// (the pre-activation ones of a Wide-ResNet) stay <c>BatchNormalization</c> nodes. False keeps every
    /// BatchNorm as a node (same outputs within float rounding; for inspecting or fine-tuning the graph).
    /// </summary>
    public bool FoldBatchNorm = true;

    /// <summary>
    /// The input's height and width; default null: the model's recorded input size, or else the size its
    /// preprocessing ends with (a centre crop or a fixed resize), or else dynamic (<c>H</c>, <c>W</c>).
    /// ML.NET's ONNX transformer needs a fixed size.
    /// </summary>
    public (int Height, int Width)? InputSize;

    /// <summary>
    /// A resize the graph applies to its input first; default null: none. The ML.NET model of a network trained on the
    /// library's resize (<see cref="Data.ResizeTransform"/>: bilinear, antialiased when shrinking, on 0–255 values rounded
    /// half to even) feeds the graph images at the size they come in (ML.NET's <c>ResizeImages</c> to <see cref="InputSize"/>
    /// is then a copy) and resizes here as the library does: a fixed linear map per axis (the library's own resize of the
    /// identity, so the same weights) as two <c>MatMul</c> nodes, then <c>Round</c> and <c>Clip</c> to 0–255.
    /// </summary>
    internal (int Height, int Width, bool Antialias)? Resize;

    /// <summary>
    /// A centre crop the graph applies to its input (after <see cref="Resize"/>) before normalising it; default null: none. The ML.NET model of a network
    /// that scores a resized image's centre (the CLI's ImageNet preprocessing: resize to 256 × 256, centre crop 224 × 224)
    /// resizes with ML.NET's <c>ResizeImages</c> to <see cref="InputSize"/> and leaves the crop, which ML.NET's image
    /// transforms lack, to the graph (<c>Slice</c>, offset <c>round((H − h) / 2)</c> half to even, as
    /// <see cref="Data.CenterCropTransform"/>). The maps' input resolution is the crop's.
    /// </summary>
    internal (int Height, int Width)? CenterCrop;

    /// <summary>Name of the input; default <see cref="OnnxNames.Pixels"/>.</summary>
    public string InputName = OnnxNames.Pixels;

    /// <summary>Name of the probabilities output; default <see cref="OnnxNames.Score"/>.</summary>
    public string ScoreName = OnnxNames.Score;

    /// <summary>Name of the logits output; default <see cref="OnnxNames.Logits"/>.</summary>
    public string LogitsName = OnnxNames.Logits;

    /// <summary>Name of the predicted class's CAM output; default <see cref="OnnxNames.Cam"/>.</summary>
    public string CamName = OnnxNames.Cam;

    /// <summary>Name of the class-agnostic map output; default <see cref="OnnxNames.Caam"/>.</summary>
    public string CaamName = OnnxNames.Caam;

    /// <summary>Name of the every-class CAM output; default <see cref="OnnxNames.Cams"/>.</summary>
    public string CamsName = OnnxNames.Cams;

    /// <summary>
    /// Name of an optional output with the predicted class's name, <c>[N, 1]</c> strings (ArgMax of the logits through an
    /// <c>ai.onnx.ml</c> LabelEncoder); default null: no such output. ML.NET's fitted transformer turns it into the
    /// <c>PredictedLabel</c> key column.
    /// </summary>
    public string? PredictedLabelName;
}
