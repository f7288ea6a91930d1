namespace Microsoft.ML.CamLoss.Data;

/// <summary>Recognises image containers from their magic bytes and checks that JPEG and PNG data is complete.</summary>
internal static class ImageFormats
{
    /// <summary>The container of <paramref name="data"/>, from its first bytes.</summary>
    public static ImageFormat Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [0xFF, 0xD8, 0xFF, ..] => ImageFormat.Jpeg,
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => ImageFormat.Png,
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => ImageFormat.Gif,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => ImageFormat.WebP,
        [(byte)'B', (byte)'M', ..] when data.Length >= 26 => ImageFormat.Bmp,
        [(byte)'I', (byte)'I', 0x2A, 0x00, ..] or [(byte)'M', (byte)'M', 0x00, 0x2A, ..] => ImageFormat.Tiff,
        [(byte)'P', >= (byte)'1' and <= (byte)'6', 0x20 or 0x09 or 0x0A or 0x0D, ..] => ImageFormat.Pnm,
        _ => ImageFormat.Unknown,
    };

    /// <summary>The format's usual name (JPEG, PNG, BMP, WebP, TIFF, PNM, GIF), for messages.</summary>
    public static string Describe(ImageFormat format) => format switch
    {
        ImageFormat.WebP => "WebP",
        ImageFormat.Unknown => "image",
        _ => format.ToString().ToUpperInvariant(),
    };

    /// <summary>The usual extensions of <paramref name="format"/>, lower case with the dot.</summary>
    public static string[] Extensions(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => [".jpg", ".jpeg", ".jpe", ".jfif"],
        ImageFormat.Png => [".png"],
        ImageFormat.Bmp => [".bmp", ".dib"],
        ImageFormat.WebP => [".webp"],
        ImageFormat.Tiff => [".tif", ".tiff"],
        ImageFormat.Pnm => [".pbm", ".pgm", ".ppm", ".pnm"],
        ImageFormat.Gif => [".gif"],
        _ => [],
    };

    /// <summary>
    /// Why complete-looking JPEG or PNG data is in fact cut short, or null. libjpeg decodes a
    /// truncated JPEG with a warning (grey rows at the bottom), so it is caught here instead: the
    /// end-of-image marker <c>FF D9</c> must follow the first start-of-scan; a PNG needs its IEND chunk.
    /// </summary>
    public static string? Truncation(ReadOnlySpan<byte> data, ImageFormat format)
    {
        switch (format)
        {
            case ImageFormat.Jpeg:
                var scan = StartOfScan(data);
                if (scan < 0)
                {
                    return "the JPEG data has no start-of-scan marker (truncated in its header, or corrupt).";
                }

                return data[scan..].IndexOf([(byte)0xFF, (byte)0xD9]) < 0
                    ? "the JPEG data is truncated: its end-of-image marker (FF D9) is missing."
                    : null;
            case ImageFormat.Png:
                return data.LastIndexOf("IEND"u8) < 0 ? "the PNG data is truncated: its IEND chunk is missing." : null;
            default:
                return null;
        }
    }

    /// <summary>Offset of the first SOS marker (<c>FF DA</c>), walking the marker segments; −1 when there is none.</summary>
    private static int StartOfScan(ReadOnlySpan<byte> data)
    {
        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF)
            {
                return -1;
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            if (marker == 0xDA)
            {
                return i;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2;
                continue;
            }

            i += 2 + ((data[i + 2] << 8) | data[i + 3]);
        }

        return -1;
    }
}
