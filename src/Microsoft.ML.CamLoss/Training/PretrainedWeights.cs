namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Where a trainer's network starts when <see cref="ImageClassificationTrainerOptions.PretrainedWeightsPath"/>
/// names no file (see <see cref="ImageClassificationTrainerOptions.PretrainedWeights"/>).
/// </summary>
public enum PretrainedWeights
{
    /// <summary>
    /// <see cref="ImageNet"/> for <see cref="Models.Architecture.ResNet18"/> and <see cref="Models.Architecture.ResNet18Cntk"/>,
    /// the ImageNet network whose weights come with the library; random initialisation for every other architecture and
    /// for a distillation student (whose teacher reads the same preprocessed images).
    /// </summary>
    Default,

    /// <summary>Random initialisation from the seed (training from scratch).</summary>
    None,

    /// <summary>
    /// The ImageNet ResNet-18 of the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> (see
    /// <see cref="Models.ImageNetWeights"/>), read offline, with a new classifier for the data's classes; the
    /// weights' own preprocessing (<see cref="Models.ImageNetWeights.ResNet18Preprocessing"/>) replaces the
    /// pipeline's <c>NormalizeImageNet</c> and is saved with the model. For <see cref="Models.Architecture.ResNet18"/>
    /// (or ResNet18Cntk) only; the network trained is the package's, <see cref="Models.Architecture.ResNet18Cntk"/>
    /// (torchvision's ResNet-18 with a third block in layer4), which the model records.
    /// </summary>
    ImageNet,
}
