namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>The names of the columns the fitted chain reads and writes; the <c>CamLoss.</c> ones are temporary and dropped at its end.</summary>
internal static class MLNetColumns
{
    /// <summary>ML.NET's multiclass score column (probabilities, class names as slot names).</summary>
    public const string Score = "Score";

    /// <summary>ML.NET's predicted-label column: a key whose key values are the class names.</summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>The encoded bytes, copied from the user's image column for <see cref="ImageBytesDecoding"/>.</summary>
    public const string Bytes = "CamLoss.Bytes";

    /// <summary>The decoded image (from bytes).</summary>
    public const string Decoded = "CamLoss.Decoded";

    /// <summary>The image resized to the network's input size.</summary>
    public const string Resized = "CamLoss.Resized";

    /// <summary>Planar RGB pixels in [0, 1] (float) or 0–255 (bytes, for training).</summary>
    public const string Pixels = "CamLoss.Pixels";

    /// <summary>The ONNX graph's <c>[1]</c> string output with the predicted class's name.</summary>
    public const string PredictedName = "CamLoss.PredictedName";

    /// <summary>That name as a scalar, the input of <c>MapValueToKey</c>.</summary>
    public const string PredictedText = "CamLoss.PredictedText";

    /// <summary>The logits output of the graph (dropped).</summary>
    public const string Logits = "CamLoss.Logits";
}
