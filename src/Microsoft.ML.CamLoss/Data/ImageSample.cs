namespace Microsoft.ML.CamLoss.Data;

/// <summary>One labelled image of a data set.</summary>
/// <param name="Image">Where the pixels come from.</param>
/// <param name="Label">The class index, in <c>[0, ClassNames.Count)</c>.</param>
/// <param name="Box">The object's bounding box, when the data set has one.</param>
public sealed record ImageSample(ImageSource Image, int Label, BoundingBox? Box = null);
