namespace Microsoft.ML.CamLoss.Data;

/// <summary>An object's box in pixels of the original image: top-left corner and size (CUB's <c>x y width height</c>).</summary>
/// <param name="X">Left edge, pixels from the image's left.</param>
/// <param name="Y">Top edge, pixels from the image's top.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public readonly record struct BoundingBox(double X, double Y, double Width, double Height);
