using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.TrainingHost;

// MERGE: transitional, for main's Pipelines/ResumeTests.cs until helper `tests`' port (which calls Trainer, Preprocessing and
// Data(flowers12)) is merged; then delete this file with the look-alike.
public static partial class ResumeScenario
{
    /// <summary>The scenario as the look-alike's pipeline (transitional; see the file's note).</summary>
    public static ImageClassificationPipeline Pipeline(CamLossContext ml, string checkpointDirectory, TrainingPrecision precision = DefaultPrecision) =>
        ml.Transforms.LoadImages().Append(ml.Transforms.ResizeImages(36, 36)).Append(ml.Transforms.RandomCrop(32, 32)).Append(ml.Transforms.HorizontalFlip())
            .Append(ml.Transforms.NormalizeImageNet()).Append(Trainer(checkpointDirectory, precision, ml.Logger));

    /// <summary>The training data (transitional; see the file's note).</summary>
    public static ImageDataset Data(CamLossContext ml, string flowers12) => Data(flowers12);
}
