namespace Microsoft.ML.CamLoss.Torch;

/// <summary><c>max(x, 0)</c> as a layer; <paramref name="inPlace"/> overwrites the input.</summary>
/// <param name="inPlace">Modify the input instead of allocating (as <c>nn.ReLU(inplace=True)</c>).</param>
public sealed class ReLU(bool inPlace = false) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => inPlace ? input.ReluInPlace() : input.Relu();
}

/// <summary>2-D max pooling as a layer (as <c>nn.MaxPool2d</c>); stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);
}

/// <summary>2-D average pooling as a layer (as <c>nn.AvgPool2d</c>); stride defaults to the kernel size.</summary>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.AvgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad);
}

/// <summary>Adaptive average pooling to a fixed output size; (1, 1) is global average pooling.</summary>
public sealed class AdaptiveAvgPool2d(long outputHeight = 1, long outputWidth = 1) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, outputHeight, outputWidth);
}

/// <summary>Dropout with probability <paramref name="p"/> in training mode; identity in evaluation.</summary>
public sealed class Dropout(double p = 0.5) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, p, IsTraining);
}

/// <summary>Merges dimensions <paramref name="startDim"/> … <paramref name="endDim"/> (default: all but the batch).</summary>
public sealed class Flatten(long startDim = 1, long endDim = -1) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.Flatten(startDim, endDim);
}

/// <summary>Returns its input unchanged (a placeholder where a layer is optional).</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input;
}
