using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// The forward passes our networks call for their convolutions, linear layers and small sequences
/// (shortcut projections): the layer's own <c>forward</c> outside a <see cref="MixedPrecision"/>
/// scope, and inside one the same operation on the input, weight and bias cast to
/// <see cref="MixedPrecision.ComputeType"/> (a 4-D input also in channels-last layout). The casts are differentiable, so gradients reach the
/// float32 parameters in float32. The modules themselves (names, parameters, state dicts) do not change.
/// </summary>
internal static class MixedPrecisionLayers
{
    /// <summary><paramref name="conv"/> on <paramref name="input"/>, under the thread's mixed-precision policy.</summary>
    public static Tensor ForwardMixed(this Conv2d conv, Tensor input)
    {
        if (MixedPrecision.ComputeType is not { } type)
        {
            return conv.forward(input);
        }

        var x = ChannelsLast(CastTo(input, type));
        var weight = CastTo(conv.weight, type);
        var bias = conv.bias is { } b ? CastTo(b, type) : null;
        if (conv.padding_type is { } padding)
        {
            return nn.functional.conv2d_padding(x, weight, bias, conv.stride, padding, conv.dilation, conv.groups);
        }

        var pads = conv.padding ?? [0, 0];
        if (conv.padding_mode != PaddingModes.Zeros)
        {
            // As Conv2d.forward: pad with the module's mode (last dimension first), then convolve unpadded.
            x = nn.functional.pad(x, [pads[1], pads[1], pads[0], pads[0]], conv.padding_mode);
            pads = [0, 0];
        }

        return nn.functional.conv2d(x, weight, bias, conv.stride, pads, conv.dilation, conv.groups);
    }

    /// <summary><paramref name="linear"/> on <paramref name="input"/>, under the thread's mixed-precision policy.</summary>
    public static Tensor ForwardMixed(this Linear linear, Tensor input)
    {
        if (MixedPrecision.ComputeType is not { } type)
        {
            return linear.forward(input);
        }

        var bias = linear.bias is { } b ? CastTo(b, type) : null;
        return nn.functional.linear(CastTo(input, type), CastTo(linear.weight, type), bias);
    }

    /// <summary>
    /// A <see cref="Sequential"/> of layers (a shortcut's convolution and BatchNorm) on <paramref name="input"/>: each
    /// convolution and linear layer under the thread's policy, every other layer by its own forward.
    /// </summary>
    public static Tensor ForwardMixed(this Sequential sequence, Tensor input)
    {
        if (MixedPrecision.ComputeType is null)
        {
            return sequence.forward(input);
        }

        var x = input;
        foreach (var layer in sequence.children())
        {
            x = layer switch
            {
                Conv2d conv => conv.ForwardMixed(x),
                Linear linear => linear.ForwardMixed(x),
                nn.Module<Tensor, Tensor> other => other.forward(x),
                _ => throw new InvalidOperationException($"{layer.GetType().Name} in a Sequential does not map a tensor to a tensor."),
            };
        }

        return x;
    }

    /// <summary>
    /// <paramref name="x"/> <c>[N, C, H, W]</c> in channels-last memory layout (strides <c>[HWC, 1, WC, C]</c>, the shape
    /// unchanged): a copy unless it already is. libtorch's convolution, BatchNorm, ReLU and in-place additions keep
    /// that layout, so only a network's first convolution converts.
    /// </summary>
    internal static Tensor ChannelsLast(Tensor x)
    {
        return x.dim() != 4 || IsChannelsLast(x) ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>Whether <paramref name="x"/> <c>[N, C, H, W]</c> is laid out channels-last (dimensions of size 1 fit any stride).</summary>
    internal static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4)
        {
            return false;
        }

        var strides = x.stride();
        var (channels, height, width) = (x.shape[1], x.shape[2], x.shape[3]);
        return (channels == 1 || strides[1] == 1) && (width == 1 || strides[3] == channels) && (height == 1 || strides[2] == width * channels);
    }

    private static Tensor CastTo(Tensor tensor, ScalarType type) => tensor.dtype == type ? tensor : tensor.to(type);
}
