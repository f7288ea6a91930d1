namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>The losses <c>camloss train --loss</c> names.</summary>
internal enum LossKind
{
    /// <summary>Cross-entropy only (the baseline).</summary>
    Ce,

    /// <summary>CAM-loss: cross-entropy plus α times the CAAM-to-CAM distance.</summary>
    CamLoss,

    /// <summary>ICASC: attention separation and consistency.</summary>
    Icasc,
}
