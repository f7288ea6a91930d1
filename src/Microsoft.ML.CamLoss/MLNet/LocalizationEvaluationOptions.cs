using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// Where <c>mlContext.MulticlassClassification.EvaluateLocalization</c> finds the maps and the objects in a scored
/// <see cref="IDataView"/>. With the box columns (<c>BoxX</c>, <c>BoxY</c>, <c>BoxWidth</c>, <c>BoxHeight</c>, as
/// <c>LoadCub200</c> and <c>LoadStanfordDogs</c> give them) the object is the box, mapped into the network's input
/// (<see cref="InputSize"/>, <see cref="Resizing"/>); without them it is the foreground of the image column (pixels with a
/// channel above <see cref="ForegroundThreshold"/>: Fashion-MNIST's garment), at the image's own size, which assumes the
/// network saw the whole image (the same aspect ratio as <see cref="InputSize"/>, or <c>Fill</c>): the map is upsampled to
/// the image's size.
/// </summary>
public sealed class LocalizationEvaluationOptions
{
    /// <summary>The map column (a float vector: the model's <c>Cam</c>, with <c>Maps = OnnxMaps.Cam</c>); default <c>Cam</c>.</summary>
    public string CamColumnName { get; set; } = "Cam";

    /// <summary>The image column (an <c>MLImage</c>): the foreground's source, and the image's size for boxes; default <c>Image</c>.</summary>
    public string ImageColumnName { get; set; } = "Image";

    /// <summary>The image file column, read for an image's size when boxes are used and there is no <c>MLImage</c> column; default <c>ImagePath</c>.</summary>
    public string ImagePathColumnName { get; set; } = "ImagePath";

    /// <summary>A channel above it makes a pixel foreground (masks from the image); default 0.</summary>
    public byte ForegroundThreshold { get; set; }

    /// <summary>The network's input size, the trainer's <c>ImageSize</c> (needed for boxes); default null: the image column's fixed size.</summary>
    public (int Height, int Width)? InputSize { get; set; }

    /// <summary>How the trainer's <c>ResizeImages</c> reached <see cref="InputSize"/> (the trainer's <c>Resizing</c>); default <c>IsoCrop</c>, the trainers' default.</summary>
    public ImageResizingEstimator.ResizingKind Resizing { get; set; } = ImageResizingEstimator.ResizingKind.IsoCrop;
}
