using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Models.ImageNet;

/// <summary>
/// The reference: ONNX Runtime running the package's own two files, ResNetPreprocess.onnx then
/// ResNet18.onnx, on an RGB image of 0–255 values (what ML.NET's ExtractPixels feeds them).
/// </summary>
internal sealed class OnnxRuntimeResNet18 : IDisposable
{
    private readonly InferenceSession _preprocess;
    private readonly InferenceSession _network;

    public OnnxRuntimeResNet18()
    {
        var folder = ImageNetWeights.ModelDirectory ?? throw new InvalidOperationException("The ImageNet package's files are not found.");
        Microsoft.ML.CamLoss.Onnx.OnnxRuntimeTelemetry.Disable();   // before ONNX Runtime starts: nothing written under the home directory
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        _preprocess = new InferenceSession(Path.Combine(folder, "ResNetPrepOnnx", "ResNetPreprocess.onnx"), options);
        _network = new InferenceSession(Path.Combine(folder, "ResNet18Onnx", "ResNet18.onnx"), options);
    }

    /// <summary>The 512 pooled features of a uint8 <c>[3, 224, 224]</c> RGB image.</summary>
    public float[] Features(Tensor image)
    {
        using var scope = NewDisposeScope();
        var pixels = image.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var input = new DenseTensor(pixels, [1, 3, 224, 224]);
        using var prepared = _preprocess.Run([NamedOnnxValue.CreateFromTensor(_preprocess.InputNames[0], input)]);
        var bgr = prepared.First().AsTensor<float>().ToDenseTensor();
        using var output = _network.Run([NamedOnnxValue.CreateFromTensor(_network.InputNames[0], bgr)]);
        return [.. output.First().AsEnumerable<float>()];
    }

    public void Dispose()
    {
        _preprocess.Dispose();
        _network.Dispose();
    }
}
