namespace Microsoft.ML.CamLoss.Data;

/// <summary>How <see cref="ImageFunctional.Pad"/> fills the border it adds (torchvision's <c>padding_mode</c>).</summary>
public enum PaddingMode
{
    /// <summary>Zeros.</summary>
    Constant = 0,

    /// <summary>Mirror without repeating the edge pixel.</summary>
    Reflect = 1,

    /// <summary>Repeat the edge pixel.</summary>
    Replicate = 2,
}
