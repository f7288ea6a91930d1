namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>What the image column holds.</summary>
internal enum ImageColumnKind
{
    /// <summary>ML.NET's <c>MLImage</c> (from <c>LoadImages</c>).</summary>
    Image,

    /// <summary>Encoded bytes (from <c>LoadRawImageBytes</c>).</summary>
    Bytes,
}
