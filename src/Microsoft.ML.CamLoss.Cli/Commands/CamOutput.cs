namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>The maps <c>camloss export --cam</c> puts into the graph.</summary>
internal enum CamOutput
{
    /// <summary>The CAM of the predicted class and the CAAM at the last feature map's size (e.g. 8×8 for a CIFAR ResNet).</summary>
    Feature,

    /// <summary>The same maps resized bilinearly to the input's size, to lay over the image.</summary>
    Input,

    /// <summary>No maps: probabilities and logits only.</summary>
    None,
}
