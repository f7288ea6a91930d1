using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// Where the object is in an image: one flag per pixel, <see cref="Height"/> × <see cref="Width"/>, row-major, in the
/// frame the activation map covers (the image as the network saw it). Made from an image's foreground
/// (<see cref="FromForeground"/>: Fashion-MNIST's non-zero pixels) or from a bounding box in the original image's pixels
/// (<see cref="FromBox(int, int, BoundingBox)"/>, or <see cref="FromBox(int, int, BoundingBox, int, int, ImageResizingEstimator.ResizingKind)"/>
/// when the network saw the image resized by ML.NET's <c>ResizeImages</c>: CUB's <c>bounding_boxes.txt</c>, Stanford Dogs'
/// annotations). Read by <see cref="LocalizationMetrics"/>.
/// </summary>
public sealed class ObjectMask
{
    private readonly bool[] _inside;

    /// <summary>Wraps <paramref name="inside"/> (row-major, length <paramref name="height"/> × <paramref name="width"/>, true on the object); the array is not copied.</summary>
    /// <exception cref="ArgumentException">The length is not height × width.</exception>
    public ObjectMask(int height, int width, bool[] inside)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentNullException.ThrowIfNull(inside);
        if (inside.Length != (long)height * width)
        {
            throw new ArgumentException($"A {height}×{width} object mask needs {(long)height * width} flags; got {inside.Length}.", nameof(inside));
        }

        Height = height;
        Width = width;
        _inside = inside;
    }

    /// <summary>Rows (pixels).</summary>
    public int Height { get; }

    /// <summary>Columns (pixels).</summary>
    public int Width { get; }

    /// <summary>The flags, row-major (true on the object).</summary>
    public ReadOnlySpan<bool> Inside => _inside;

    /// <summary>True when pixel (row <paramref name="y"/>, column <paramref name="x"/>) is on the object.</summary>
    public bool this[int y, int x] => _inside[(y * Width) + x];

    /// <summary>Pixels on the object.</summary>
    public int Area => _inside.Count(b => b);

    /// <summary>
    /// The foreground of an image: a pixel is on the object when any of its channels is above <paramref name="threshold"/>
    /// (default 0: every non-zero pixel, Fashion-MNIST's garment on its black background).
    /// </summary>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="pixels">Interleaved pixels, <paramref name="channels"/> bytes per pixel, row-major (grey: 1, RGB: 3, RGBA: 4; alpha is ignored).</param>
    /// <param name="channels">Bytes per pixel: 1, 3 or 4; default 1.</param>
    /// <param name="threshold">A channel must exceed it; default 0.</param>
    /// <exception cref="ArgumentException">The pixel count does not match, or <paramref name="channels"/> is not 1, 3 or 4.</exception>
    public static ObjectMask FromForeground(int height, int width, ReadOnlySpan<byte> pixels, int channels = 1, byte threshold = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (channels is not (1 or 3 or 4))
        {
            throw new ArgumentException($"channels must be 1 (grey), 3 (RGB) or 4 (RGBA); got {channels}.", nameof(channels));
        }

        if (pixels.Length != (long)height * width * channels)
        {
            throw new ArgumentException($"A {height}×{width} image with {channels} channel(s) has {(long)height * width * channels} bytes; got {pixels.Length}.", nameof(pixels));
        }

        var colours = Math.Min(channels, 3);
        var inside = new bool[height * width];
        for (var p = 0; p < inside.Length; p++)
        {
            for (var c = 0; c < colours && !inside[p]; c++)
            {
                inside[p] = pixels[(p * channels) + c] > threshold;
            }
        }

        return new ObjectMask(height, width, inside);
    }

    /// <summary>
    /// A box in an image of <paramref name="height"/> × <paramref name="width"/> pixels: pixel (x, y), whose centre is at
    /// (x + ½, y + ½), is on the object when the centre lies in <c>[X, X + Width) × [Y, Y + Height)</c> (half-open, so boxes that
    /// tile an image share no pixel). Parts of the box
    /// outside the image are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The box has a negative or non-finite size or position.</exception>
    public static ObjectMask FromBox(int height, int width, BoundingBox box)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        CheckBox(box);
        var inside = new bool[height * width];
        for (var y = 0; y < height; y++)
        {
            var cy = y + 0.5;
            if (cy < box.Y || cy >= box.Y + box.Height)
            {
                continue;
            }

            for (var x = 0; x < width; x++)
            {
                var cx = x + 0.5;
                inside[(y * width) + x] = cx >= box.X && cx < box.X + box.Width;
            }
        }

        return new ObjectMask(height, width, inside);
    }

    /// <summary>
    /// A box given in the original image's pixels (<paramref name="imageHeight"/> × <paramref name="imageWidth"/>), as the
    /// network saw it after ML.NET's <c>ResizeImages</c> to <paramref name="inputHeight"/> × <paramref name="inputWidth"/>
    /// with <paramref name="resizing"/> (centre anchor): <c>Fill</c> scales x by <c>w/W</c> and y by <c>h/H</c>;
    /// <c>IsoCrop</c> scales both by <c>s = max(w/W, h/H)</c> and shifts by the centred crop, <c>x' = s·x − (s·W − w)/2</c>;
    /// <c>IsoPad</c> scales by <c>s = min(w/W, h/H)</c> and shifts by the centred padding, <c>x' = s·x + (w − s·W)/2</c>
    /// (y alike). The mask is <paramref name="inputHeight"/> × <paramref name="inputWidth"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, or the box is not finite and non-negative in size.</exception>
    public static ObjectMask FromBox(int imageHeight, int imageWidth, BoundingBox box, int inputHeight, int inputWidth, ImageResizingEstimator.ResizingKind resizing)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        CheckBox(box);
        double sx = (double)inputWidth / imageWidth, sy = (double)inputHeight / imageHeight;
        double ox = 0, oy = 0;
        switch (resizing)
        {
            case ImageResizingEstimator.ResizingKind.IsoCrop:
                sx = sy = Math.Max(sx, sy);
                ox = (inputWidth - (sx * imageWidth)) / 2;
                oy = (inputHeight - (sy * imageHeight)) / 2;
                break;
            case ImageResizingEstimator.ResizingKind.IsoPad:
                sx = sy = Math.Min(sx, sy);
                ox = (inputWidth - (sx * imageWidth)) / 2;
                oy = (inputHeight - (sy * imageHeight)) / 2;
                break;
            case ImageResizingEstimator.ResizingKind.Fill:
                break;
            default:
                throw new ArgumentException($"Unknown resizing {resizing}.", nameof(resizing));
        }

        return FromBox(inputHeight, inputWidth, new BoundingBox((box.X * sx) + ox, (box.Y * sy) + oy, box.Width * sx, box.Height * sy));
    }

    private static void CheckBox(BoundingBox box)
    {
        if (!double.IsFinite(box.X) || !double.IsFinite(box.Y) || !(box.Width >= 0) || !(box.Height >= 0) || !double.IsFinite(box.Width) || !double.IsFinite(box.Height))
        {
            throw new ArgumentException($"A bounding box needs a finite position and a finite, non-negative size; got {box}.", nameof(box));
        }
    }
}
