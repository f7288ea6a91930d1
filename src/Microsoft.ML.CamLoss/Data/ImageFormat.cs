namespace Microsoft.ML.CamLoss.Data;

/// <summary>Image containers recognised by their first bytes (never by the file name).</summary>
public enum ImageFormat
{
    /// <summary>Not a format recognised here.</summary>
    Unknown = 0,

    /// <summary>JPEG (<c>FF D8 FF</c>).</summary>
    Jpeg,

    /// <summary>PNG (<c>89 'PNG' 0D 0A 1A 0A</c>).</summary>
    Png,

    /// <summary>Windows bitmap (<c>'BM'</c>).</summary>
    Bmp,

    /// <summary>WebP (<c>'RIFF' size 'WEBP'</c>).</summary>
    WebP,

    /// <summary>TIFF (<c>'II*\0'</c> or <c>'MM\0*'</c>): recognised so it can be reported, but SkiaSharp cannot decode it.</summary>
    Tiff,

    /// <summary>Netpbm PBM/PGM/PPM (<c>'P1'</c> … <c>'P6'</c>).</summary>
    Pnm,

    /// <summary>GIF (<c>'GIF87a'</c>, <c>'GIF89a'</c>): the first frame is decoded, as PIL opens it.</summary>
    Gif,
}
