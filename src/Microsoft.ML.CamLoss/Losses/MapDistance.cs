namespace Microsoft.ML.CamLoss.Losses;

/// <summary>The pixel distance between two normalised maps, averaged over the <c>H×W</c> pixels.</summary>
public enum MapDistance
{
    /// <summary><c>(1/HW) Σ_xy |a − b|</c> (the CAM-loss paper's choice, and CCM's).</summary>
    L1 = 0,

    /// <summary><c>(1/HW) Σ_xy (a − b)²</c> (squared difference; the paper's AT experiments).</summary>
    L2 = 1,
}
