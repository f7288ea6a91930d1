namespace Microsoft.ML.CamLoss.Data;

/// <summary>A data set split in two by <see cref="ImageDataset.SplitTrainValidation"/>.</summary>
/// <param name="Train">The part to train on.</param>
/// <param name="Validation">The held-out part.</param>
public sealed record TrainValidationData(ImageDataset Train, ImageDataset Validation);
