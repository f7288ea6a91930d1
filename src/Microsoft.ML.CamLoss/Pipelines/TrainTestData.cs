using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>The two parts of <see cref="DataCatalog.TrainTestSplit"/> (ML.NET's names).</summary>
public sealed record TrainTestData(ImageDataset TrainSet, ImageDataset TestSet);
