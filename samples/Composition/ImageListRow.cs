using Microsoft.ML.Data;

namespace Microsoft.ML.CamLoss.Samples.Composition;

/// <summary>A row of the image list, as ML.NET's <c>LoadFromTextFile</c> reads it: a path relative to the image folder, and the class.</summary>
public sealed class ImageListRow
{
    [LoadColumn(0)]
    public string ImagePath { get; set; } = string.Empty;

    [LoadColumn(1)]
    public string Label { get; set; } = string.Empty;
}
