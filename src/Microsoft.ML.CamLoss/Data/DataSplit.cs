namespace Microsoft.ML.CamLoss.Data;

/// <summary>Which part of a data set with an official split to load.</summary>
public enum DataSplit
{
    /// <summary>The official training images.</summary>
    Train = 0,

    /// <summary>The official test images.</summary>
    Test = 1,

    /// <summary>Every image, training and test.</summary>
    All = 2,
}
