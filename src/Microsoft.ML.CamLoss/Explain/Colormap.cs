namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// Colour scales for heatmaps. Each is a table of 256 RGB entries equal to matplotlib's colormap
/// of the same name (<c>matplotlib.colormaps[name]</c>, 256 entries) with every channel taken as
/// <c>round(255 · c)</c>, rounding half to even; a value <c>v</c> in [0, 1] takes entry
/// <c>floor(256 · v)</c>, as <c>cmap(v)</c> does (see <see cref="ColormapExtensions.Map"/>).
/// </summary>
/// <remarks>
/// matplotlib's own <c>cmap(v, bytes=True)</c> truncates instead of rounding, so its bytes can be
/// one lower than these.
/// </remarks>
public enum Colormap
{
    /// <summary>
    /// MATLAB's jet (dark blue → blue → cyan → yellow → red → dark red): the classic look of CAM
    /// figures. Not perceptually uniform; prefer <see cref="Viridis"/> where that matters.
    /// </summary>
    Jet = 0,

    /// <summary>Viridis (dark purple → teal → green → yellow): perceptually uniform, readable in grey and by most colour-blind viewers.</summary>
    Viridis = 1,

    /// <summary>Grey levels from black (0) to white (1).</summary>
    Gray = 2,
}
