using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// One activation map (a CAM, a CAAM, a Grad-CAM) held in managed memory: <see cref="Height"/> ×
/// <see cref="Width"/> values, row-major. Produced by prediction and scoring; rendered by the
/// types of this namespace.
/// </summary>
public sealed class Heatmap
{
    private readonly float[] _values;

    /// <summary>Wraps <paramref name="values"/> (row-major, length <paramref name="height"/> × <paramref name="width"/>); the array is not copied.</summary>
    public Heatmap(int height, int width, float[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != (long)height * width)
        {
            throw new ArgumentException($"A {height}×{width} heatmap needs {(long)height * width} values; got {values.Length}.", nameof(values));
        }

        Height = height;
        Width = width;
        _values = values;
    }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>The values, row-major.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The value at row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public float this[int y, int x] => _values[(y * Width) + x];

    /// <summary>Smallest value.</summary>
    public float Min => _values.Min();

    /// <summary>Largest value.</summary>
    public float Max => _values.Max();

    /// <summary>Copies a <c>[H, W]</c> tensor (any floating type, any device) into a heatmap.</summary>
    public static Heatmap FromTensor(Tensor map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var shape = map.shape;
        if (shape.Length != 2)
        {
            throw new ArgumentException($"A heatmap tensor must be [H, W]; got [{string.Join(", ", shape)}].", nameof(map));
        }

        using var scope = torch.NewDisposeScope();
        var values = map.to(ScalarType.Float32, torch.CPU).contiguous().data<float>().ToArray();
        return new Heatmap(checked((int)shape[0]), checked((int)shape[1]), values);
    }

    /// <summary>A new <c>[H, W]</c> float32 CPU tensor with a copy of these values; the caller disposes it.</summary>
    public Tensor ToTensor() => torch.tensor(_values, [Height, Width]);

    /// <summary>
    /// Min-max normalised to [0, 1]: <c>(h − min) / (max − min)</c>, as the losses' <c>N(·)</c>; a
    /// constant map becomes all zeros.
    /// </summary>
    public Heatmap Normalized()
    {
        float min = Min, range = Max - min;
        var values = new float[_values.Length];
        if (range > 0)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (_values[i] - min) / range;
            }
        }

        return new Heatmap(Height, Width, values);
    }

    /// <summary>Resized bilinearly to <paramref name="height"/> × <paramref name="width"/> (as <c>F.interpolate(mode="bilinear", align_corners=False)</c>).</summary>
    public Heatmap Resize(int height, int width)
    {
        if (height == Height && width == Width)
        {
            return new Heatmap(height, width, (float[])_values.Clone());
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        using var scope = torch.NewDisposeScope();
        var resized = nn.functional.interpolate(ToTensor().view(1, 1, Height, Width), [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return FromTensor(resized.view(height, width));
    }

    /// <inheritdoc />
    public override string ToString() => $"Heatmap {Height}×{Width} [{Min:G4}, {Max:G4}]";
}
