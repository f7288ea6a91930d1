namespace Microsoft.ML.CamLoss.Scoring;

/// <summary>What scoring returns besides labels and probabilities.</summary>
public sealed class ScoringOptions
{
    /// <summary>Also return the CAM of <see cref="CamClass"/> (or of the predicted class); default false.</summary>
    public bool IncludeCam;

    /// <summary>Also return the class-agnostic activation map (the channel sum of the last features); default false.</summary>
    public bool IncludeCaam;

    /// <summary>The class whose CAM is returned; default null: each image's predicted class.</summary>
    public string? CamClass;

    /// <summary>Size of the returned maps; default <see cref="MapResolution.Feature"/>.</summary>
    public MapResolution Resolution = MapResolution.Feature;

    /// <summary>Images per forward pass; default 64.</summary>
    public int BatchSize = 64;
}
