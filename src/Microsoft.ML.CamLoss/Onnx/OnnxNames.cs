namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// The inputs, outputs and metadata of an exported classifier: the one place that names them and gives
/// their shapes. <c>N</c> is the batch (dynamic), <c>C</c> the number of classes, <c>H × W</c> the input
/// size (fixed at export when the model records it, else dynamic), <c>h × w</c> the last feature map's
/// size (e.g. 7 × 7 for ResNet-18 at 224 × 224, 8 × 8 for a CIFAR ResNet at 32 × 32).
/// <list type="table">
/// <listheader><term>name</term><description>shape, type and meaning</description></listheader>
/// <item><term><see cref="Pixels"/> (input)</term><description><c>[N, 3, H, W]</c> float32: RGB pixels scaled to [0, 1], after
/// the model's resize and crop (<see cref="PreprocessingKey"/>). The normalisation (mean, std) is inside the graph.</description></item>
/// <item><term><see cref="Score"/></term><description><c>[N, C]</c> float32: softmax probabilities. Class names are its slot
/// names for ML.NET (an <c>ai.onnx.ml.LabelEncoder</c> node named <c>mlnet.Score.SlotNames</c>).</description></item>
/// <item><term><see cref="Logits"/></term><description><c>[N, C]</c> float32: <c>z = W · GAP(F) + b</c>, the scores before softmax
/// (slot names as <see cref="Score"/>).</description></item>
/// <item><term><see cref="Cam"/> (on request)</term><description><c>[N, h, w]</c> (or <c>[N, H, W]</c> upsampled bilinearly) float32:
/// the class activation map of each image's predicted class (arg max of <see cref="Logits"/>),
/// <c>CAM_c = Σ_k W[c, k] F_k</c>, no bias, no ReLU, not normalised.</description></item>
/// <item><term><see cref="Caam"/> (on request)</term><description>as <see cref="Cam"/>: the class-agnostic activation map <c>Σ_k F_k</c>.</description></item>
/// <item><term><see cref="Cams"/> (on request)</term><description><c>[N, C, h, w]</c> (or <c>[N, C, H, W]</c>) float32: every class's CAM.</description></item>
/// <item><term><c>mlnet.Score.unusedOutput</c>, <c>mlnet.Logits.unusedOutput</c></term><description><c>[1, 1]</c> int64:
/// the outputs of the slot-name nodes, as ML.NET's own ONNX converter writes them (ML.NET hides them; other clients ignore them).</description></item>
/// </list>
/// <c>F [N, K, h, w]</c> is the network's <c>last</c> tap and <c>W [C, K]</c>, <c>b</c> its classifier; the maps
/// equal <see cref="Losses.ActivationMaps"/>'s. Every output has rank ≥ 2 and a fixed class dimension, as
/// ML.NET's ONNX transformer needs. The names can be changed with <see cref="OnnxExportOptions"/>.
/// </summary>
public static class OnnxNames
{
    /// <summary>Default name of the input: <c>Pixels</c>.</summary>
    public const string Pixels = "Pixels";

    /// <summary>Default name of the probabilities output: <c>Score</c> (ML.NET's name for a multiclass score column).</summary>
    public const string Score = "Score";

    /// <summary>Default name of the logits output: <c>Logits</c>.</summary>
    public const string Logits = "Logits";

    /// <summary>Default name of the predicted class's CAM output: <c>Cam</c>.</summary>
    public const string Cam = "Cam";

    /// <summary>Default name of the class-agnostic map output: <c>Caam</c>.</summary>
    public const string Caam = "Caam";

    /// <summary>Default name of the every-class CAM output: <c>Cams</c>.</summary>
    public const string Cams = "Cams";

    /// <summary>The role of the optional predicted-class-name output (<see cref="OnnxExportOptions.PredictedLabelName"/>): <c>PredictedLabel</c>.</summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>Prefix of the names ML.NET reserves for its own nodes and outputs (<c>mlnet.</c>); no output may use it.</summary>
    public const string MLNetPrefix = "mlnet.";

    /// <summary>Metadata key: the class names, a JSON array of strings in score order.</summary>
    public const string ClassesKey = "camloss.classes";

    /// <summary>
    /// Metadata key: what a client does to an image before <see cref="Pixels"/>, a JSON array in the model
    /// file's preprocessing format (e.g. <c>[{"type":"resize","shorterSide":256,…},{"type":"centerCrop",…}]</c>),
    /// then scaling to [0, 1]. The normalisation is not listed: it is in the graph.
    /// </summary>
    public const string PreprocessingKey = "camloss.preprocessing";

    /// <summary>Metadata key: the architecture (e.g. <c>ResNet20</c>).</summary>
    public const string ArchitectureKey = "camloss.architecture";

    /// <summary>Metadata key: the size of the map outputs, <c>feature</c> or <c>input</c>; absent without maps.</summary>
    public const string MapResolutionKey = "camloss.mapResolution";

    /// <summary>Metadata key: the output names, a JSON object from role (<c>Score</c>, <c>Logits</c>, <c>Cam</c>, …) to name.</summary>
    public const string OutputsKey = "camloss.outputs";
}
