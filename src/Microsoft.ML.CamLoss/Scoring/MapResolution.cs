namespace Microsoft.ML.CamLoss.Scoring;

/// <summary>The size activation maps are returned at.</summary>
public enum MapResolution
{
    /// <summary>The last feature map's size (e.g. 7×7 for ResNet-18 at 224×224): the values the losses see.</summary>
    Feature,

    /// <summary>Resized bilinearly to the network's input size, to lay over the (preprocessed) image.</summary>
    Input,
}
