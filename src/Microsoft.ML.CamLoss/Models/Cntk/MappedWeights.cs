using Microsoft.ML.CamLoss.Onnx;

namespace Microsoft.ML.CamLoss.Models.Cntk;

/// <summary>
/// Weights read from a foreign graph under our (torchvision's) state-dict names, as managed arrays
/// (so a cache of them holds no native memory), with the conventions the mapping found that
/// differ from torchvision's, in words.
/// </summary>
internal sealed record MappedWeights(IReadOnlyList<OnnxInitializer> State, IReadOnlyList<int> BlocksPerStage, IReadOnlyList<string> Conventions);
