using Microsoft.ML.CamLoss.Scoring;
namespace Microsoft.ML.CamLoss.Samples;

/// <summary>A row of an image-file data view (<c>mlContext.Data.LoadImageFolder</c>, <c>LoadCub200</c>, <c>LoadStanfordDogs</c>): the prediction engine's input.</summary>
public sealed class LabeledImage
{
    public string ImagePath { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;
}

/// <summary>What the fitted pipeline adds that a sample reads: the class name (after <c>MapKeyToValue</c>) and the probabilities.</summary>
public sealed class ImagePrediction
{
    public string PredictedLabel { get; set; } = string.Empty;

    public float[] Score { get; set; } = [];
}
