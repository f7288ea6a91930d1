using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Tests.FewShot;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.CamLoss.TrainingHost;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>
/// The small runs the ML.NET tests share: a 3-class image folder of 24×24 colour PNGs the test writes, ResNet-8 at 32×32,
/// 2 epochs of batch 12, one libtorch thread and no loader workers, so a fit takes seconds.
/// </summary>
internal static class MLNetScenario
{
    /// <summary>Writes 3 classes × <paramref name="perClass"/> images under <paramref name="temp"/> and returns the root.</summary>
    public static string Images(TempFolder temp, int perClass = 12) => ColourImageFolder.Write(temp, "images", classes: 3, perClass);

    /// <summary>The CAM-loss options of the small run (CAM column on); see <see cref="MLNetTraining.Options"/>.</summary>
    public static CamLossImageClassificationTrainer.Options Options(string? checkpointDirectory = null, int epochs = 2) => MLNetTraining.Options(checkpointDirectory, epochs);

    /// <summary>Label to key, bytes from the path, the trainer.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, CamLossImageClassificationTrainer.Options options) => MLNetTraining.Pipeline(ml, options);
}
