namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>Which activation maps an exported graph outputs besides <c>Score</c> and <c>Logits</c> (see <see cref="OnnxNames"/>).</summary>
[Flags]
public enum OnnxMaps
{
    /// <summary>No maps: probabilities and logits only.</summary>
    None = 0,

    /// <summary><c>Cam</c>: the CAM of each image's predicted class, <c>[N, h, w]</c>.</summary>
    Cam = 1,

    /// <summary><c>Caam</c>: the class-agnostic activation map, <c>[N, h, w]</c>.</summary>
    Caam = 2,

    /// <summary><c>Cams</c>: the CAM of every class, <c>[N, C, h, w]</c> (C times the size of <see cref="Cam"/>).</summary>
    Cams = 4,

    /// <summary><see cref="Cam"/> and <see cref="Caam"/>: what <c>camloss export --cam</c> writes.</summary>
    CamAndCaam = Cam | Caam,
}
