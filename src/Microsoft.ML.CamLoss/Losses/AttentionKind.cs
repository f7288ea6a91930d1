namespace Microsoft.ML.CamLoss.Losses;

/// <summary>How <see cref="GradientAttention"/> weighs the channels of a feature map.</summary>
public enum AttentionKind
{
    /// <summary>ICASC's channel-weighted attention: <c>w_k^c = mean_xy ReLU(∂z_c/∂F_k(x, y))</c> (positive gradients only).</summary>
    ChannelWeighted = 0,

    /// <summary>Grad-CAM: <c>w_k^c = mean_xy ∂z_c/∂F_k(x, y)</c>.</summary>
    GradCam = 1,
}
