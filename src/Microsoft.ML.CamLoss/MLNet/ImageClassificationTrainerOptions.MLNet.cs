using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>The options read by the ML.NET estimator (<c>mlContext.MulticlassClassification.Trainers.CamLoss(options)</c> …).</summary>
public partial class ImageClassificationTrainerOptions
{
    /// <summary>The label column: a key (<c>MapValueToKey</c>) whose key values are the class names; default <c>Label</c>.</summary>
    public string LabelColumnName = "Label";

    /// <summary>The image column: an <c>MLImage</c> (<c>LoadImages</c>) or encoded bytes (<c>LoadRawImageBytes</c>); default <c>Image</c>.</summary>
    public string ImageColumnName = "Image";

    /// <summary>
    /// The size the network sees, <c>(height, width)</c>: every image goes through ML.NET's <c>ResizeImages</c> to it
    /// (<see cref="Resizing"/>), in training, validation and the fitted model alike. Default null: the image column's own
    /// size when an earlier <c>ResizeImages</c> fixed it, else 224 × 224 (32 × 32 for the CIFAR-style networks).
    /// </summary>
    public (int Height, int Width)? ImageSize;

    /// <summary>How ML.NET's <c>ResizeImages</c> reaches <see cref="ImageSize"/>; default <c>IsoCrop</c> (scale the shorter side, crop the centre).</summary>
    public Microsoft.ML.Transforms.Image.ImageResizingEstimator.ResizingKind Resizing = Microsoft.ML.Transforms.Image.ImageResizingEstimator.ResizingKind.IsoCrop;

    /// <summary>
    /// What the seeded, threaded loader does to each training image after the resize (random crop with padding, flip,
    /// Cutout, Mixup/CutMix …) and the normalisation (e.g. <c>NormalizeImageNet</c>). Its scoring variant must keep the
    /// size (no resize or crop to another size): the fitted model scores exactly the resized image, normalised inside the
    /// ONNX graph. Default null: a horizontal flip. With ImageNet weights their mean image replaces the normalisation.
    /// </summary>
    [JsonIgnore]
    public ImagePipeline? Augmentation;

    /// <summary>Validation data with the same columns as the training data (instead of <see cref="ValidationFraction"/>); default none.</summary>
    [JsonIgnore]
    public IDataView? ValidationData;

    /// <summary>The activation maps the fitted model adds as columns (<c>Cam</c>, <c>Caam</c>, <c>Cams</c>); default none.</summary>
    public OnnxMaps Maps = OnnxMaps.None;

    /// <summary>The size of the map columns: the feature map's (default) or the input's.</summary>
    public MapResolution MapResolution = MapResolution.Feature;

    /// <summary>A checkpoint file or directory to continue (see <c>ImageClassificationTrainer.Resume</c>); default null: a new run.</summary>
    [JsonIgnore]
    public string? ResumeFrom;

    /// <summary>Receives progress reports during <c>Fit</c>; default none.</summary>
    [JsonIgnore]
    public IProgress<TrainingProgress>? Progress;

    /// <summary>Receives the run's log; default none.</summary>
    [JsonIgnore]
    public ILogger? Logger;

    /// <summary>Stops <c>Fit</c> (with a checkpoint when <see cref="CheckpointDirectory"/> is set).</summary>
    [JsonIgnore]
    public CancellationToken CancellationToken;
}
