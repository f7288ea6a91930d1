namespace Microsoft.ML.CamLoss.Losses;

/// <summary>The knowledge transferred besides the soft targets (CAM-loss paper, Sec. 3.3, Eq. 12).</summary>
public enum DistillationMethod
{
    /// <summary>Soft targets only (<c>γ = 0</c>).</summary>
    Kd = 0,

    /// <summary>Attention transfer as Eq. 9: student CAM vs teacher CAM of the true class (l2, <c>γ = 10</c>).</summary>
    At = 1,

    /// <summary>CAAM-CAM matching, Eq. 10: student CAAM vs teacher CAM of the true class (l1, <c>γ = 1</c>).</summary>
    Ccm = 2,
}
