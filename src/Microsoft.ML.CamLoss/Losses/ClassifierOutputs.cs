using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// What the distillation losses need from one network (student or teacher): its logits and, for the
/// map-matching terms, its last-stage feature map and classifier weight. The tensors stay owned by the caller.
/// </summary>
/// <param name="Logits">Logits <c>[B, C]</c>.</param>
/// <param name="Features">Last-stage feature map <c>F [B, K, H, W]</c> (after its ReLU), or null when only logits are matched (KD).</param>
/// <param name="ClassifierWeight">Classifier weight <c>W [C, K]</c>, or null when not needed (KD; the student for CCM).</param>
public sealed record ClassifierOutputs(Tensor Logits, Tensor? Features = null, Tensor? ClassifierWeight = null);
