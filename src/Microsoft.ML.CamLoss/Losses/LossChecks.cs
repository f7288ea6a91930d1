using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>Argument checks shared by the losses; they read shapes only (no host synchronisation) and throw in Release builds too.</summary>
internal static class LossChecks
{
    /// <summary>Formats a shape as <c>[2, 3, 4]</c>.</summary>
    public static string Describe(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Requires a feature map <c>[B, K, H, W]</c> and returns its shape.</summary>
    public static long[] FeatureMap(Tensor features, string name) => Rank(features, 4, "a feature map [B, K, H, W]", name);

    /// <summary>Requires maps <c>[B, H, W]</c> and returns their shape.</summary>
    public static long[] Maps(Tensor maps, string name) => Rank(maps, 3, "maps [B, H, W]", name);

    /// <summary>Requires <paramref name="tensor"/> to have exactly <paramref name="shape"/>.</summary>
    public static void SameShape(Tensor tensor, long[] shape, string name, string reference)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        var actual = tensor.shape;
        if (!actual.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException($"{name} {Describe(actual)} must have the shape of {reference} {Describe(shape)}.", name);
        }
    }

    /// <summary>Requires a classifier weight <c>[C, K]</c> whose K matches the features, and returns C.</summary>
    public static long ClassifierWeight(Tensor weight, long[] featureShape, string name, string featuresName)
    {
        ArgumentNullException.ThrowIfNull(weight, name);
        var shape = weight.shape;
        if (shape.Length != 2 || shape[1] != featureShape[1])
        {
            throw new ArgumentException(
                $"{name} must be [C, K] with K = {featureShape[1]} (channels of {featuresName} {Describe(featureShape)}); got {Describe(shape)}.", name);
        }

        return shape[0];
    }

    /// <summary>Requires int64 class indices <c>[B]</c>.</summary>
    public static void Labels(Tensor labels, long batch, string name, string batchSource)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        var shape = labels.shape;
        if (shape.Length != 1 || shape[0] != batch)
        {
            throw new ArgumentException($"{name} must be [B] with B = {batch} (from {batchSource}); got {Describe(shape)}.", name);
        }

        if (labels.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"{name} must hold int64 class indices; got {labels.dtype}.", name);
        }
    }

    /// <summary>Requires logits <c>[B, C]</c> (C checked when <paramref name="classes"/> is given) and returns C.</summary>
    public static long Logits(Tensor logits, long batch, long? classes, string name, string batchSource)
    {
        ArgumentNullException.ThrowIfNull(logits, name);
        var shape = logits.shape;
        if (shape.Length != 2 || shape[0] != batch || (classes is { } c && shape[1] != c))
        {
            var expected = classes is { } k ? $"[{batch}, {k}]" : $"[{batch}, C]";
            throw new ArgumentException($"{name} must be {expected} (B from {batchSource}); got {Describe(shape)}.", name);
        }

        return shape[1];
    }

    /// <summary>
    /// Requires <paramref name="tensor"/> to be floating point of the same dtype as <paramref name="reference"/>
    /// (the batched products of the maps need one dtype; checking here gives a clear message instead of libtorch's).
    /// </summary>
    public static void SameFloatingType(Tensor tensor, Tensor reference, string name, string referenceName)
    {
        if (!reference.is_floating_point())
        {
            throw new ArgumentException($"{referenceName} must be floating point; got {reference.dtype}.", referenceName);
        }

        if (tensor.dtype != reference.dtype)
        {
            throw new ArgumentException($"{name} is {tensor.dtype} but {referenceName} is {reference.dtype}; give both one floating-point dtype.", name);
        }
    }

    /// <summary>Requires a named value of <typeparamref name="TEnum"/>.</summary>
    public static void Defined<TEnum>(TEnum value, string name)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Unknown {typeof(TEnum).Name}.");
        }
    }

    /// <summary>Requires a finite number.</summary>
    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite.");
        }
    }

    /// <summary>Requires a number in [0, 1].</summary>
    public static void UnitInterval(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1].");
        }
    }

    /// <summary>Requires a finite, non-negative number.</summary>
    public static void NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and non-negative.");
        }
    }

    /// <summary>Requires a finite, positive number.</summary>
    public static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and positive.");
        }
    }

    private static long[] Rank(Tensor tensor, int rank, string layout, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        var shape = tensor.shape;
        if (shape.Length != rank)
        {
            throw new ArgumentException($"{name} must be {layout}; got {Describe(shape)}.", name);
        }

        return shape;
    }
}
