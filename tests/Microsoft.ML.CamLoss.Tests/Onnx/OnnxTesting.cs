using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Onnx;

/// <summary>Networks, reference outputs (TorchSharp's evaluation-mode forward) and ONNX Runtime runs for the export tests.</summary>
internal static class OnnxTesting
{
    /// <summary>ImageNet's statistics, as the library's pipelines normalise.</summary>
    public static ImagePipeline ImageNetScoring { get; } = new ImagePipeline().NormalizeImageNet().ForScoring();

    /// <summary>
    /// A seeded network with weights as after training: BatchNorm γ, β perturbed and running statistics
    /// collected by a few training-mode passes on random images (fresh BatchNorms are the identity in
    /// evaluation mode, which would leave folding untested). Returned in evaluation mode.
    /// </summary>
    public static Backbone TrainedLike(Architecture architecture, int classes, int size, long seed = 1)
    {
        torch.manual_seed(seed);
        var network = Backbones.Create(architecture, classes);
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            foreach (var module in network.modules().OfType<BatchNorm2d>())
            {
                module.weight.uniform_(0.5, 1.5);
                module.bias!.normal_(0, 0.2);
            }

            network.train();
            for (var i = 0; i < 3; i++)
            {
                network.forward(torch.rand(2, 3, size, size) * 4 - 2).Dispose();
            }
        }

        network.eval();
        return network;
    }

    /// <summary>Seeded [0, 1] pixels <c>[batch, 3, size, size]</c>.</summary>
    public static Tensor Pixels(int batch, int size, long seed = 7)
    {
        torch.manual_seed(seed);
        return torch.rand(batch, 3, size, size);
    }

    /// <summary>
    /// TorchSharp's answer for <paramref name="pixels"/>: normalised by <paramref name="normalize"/> (default ImageNet's
    /// mean and std), evaluation mode, no grad: score, logits, CAM of the predicted class, CAAM, every CAM.
    /// </summary>
    public static Dictionary<string, Tensor> Reference(Backbone network, Tensor pixels, Func<Tensor, Tensor>? normalize = null)
    {
        using var noGrad = torch.no_grad();
        var mean = torch.tensor(new[] { 0.485f, 0.456f, 0.406f }, [1, 3, 1, 1]);
        var std = torch.tensor(new[] { 0.229f, 0.224f, 0.225f }, [1, 3, 1, 1]);
        network.eval();
        var output = network.forward(normalize is null ? (pixels - mean).div(std) : normalize(pixels));
        var weight = network.Classifier.weight;
        var predicted = output.Logits.argmax(1);
        var shape = output.Last.shape;
        var allRows = weight.unsqueeze(0).expand(shape[0], -1, -1);
        return new Dictionary<string, Tensor>
        {
            [OnnxNames.Score] = nn.functional.softmax(output.Logits, 1),
            [OnnxNames.Logits] = output.Logits,
            [OnnxNames.Cam] = ActivationMaps.Cam(output.Last, weight, predicted),
            [OnnxNames.Caam] = ActivationMaps.Caam(output.Last),
            [OnnxNames.Cams] = ActivationMaps.ClassMaps(output.Last, allRows).view(shape[0], -1, shape[2], shape[3]),
        };
    }

    /// <summary>Runs the ONNX bytes on ONNX Runtime (telemetry off) and returns every float output by name, as TorchSharp tensors.</summary>
    public static Dictionary<string, Tensor> Run(byte[] model, Tensor pixels, string input = OnnxNames.Pixels)
    {
        using var session = Session(model);
        return Run(session, pixels, input);
    }

    /// <summary>An ONNX Runtime session on the ONNX bytes (telemetry off, one thread, every graph optimisation as in <see cref="OnnxImageClassifier"/>).</summary>
    public static InferenceSession Session(byte[] model)
    {
        CamLoss.Onnx.OnnxRuntimeTelemetry.Disable();
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        return new InferenceSession(model, options);
    }

    /// <summary>Runs <paramref name="session"/> on <paramref name="pixels"/>; every float output by name.</summary>
    public static Dictionary<string, Tensor> Run(InferenceSession session, Tensor pixels, string input = OnnxNames.Pixels)
    {
        var outputs = session.OutputMetadata.Where(o => o.Value.ElementType == typeof(float)).Select(o => o.Key).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(pixels.contiguous().data<float>().ToArray(), pixels.shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [input], [value], outputs);
        return outputs.Zip(results).ToDictionary(
            p => p.First,
            p => torch.tensor(p.Second.GetTensorDataAsSpan<float>().ToArray(), p.Second.GetTensorTypeAndShape().Shape));
    }

    /// <summary>
    /// The issue's bars: probabilities within 1e-5 absolute; maps within 1e-4 × max|map|; logits within
    /// 1e-4 × max|logit| (float32 sums in another order and BatchNorm folded into the weights).
    /// </summary>
    /// <returns>What was compared: each output's max |Δ| (relative to max |value| except for the probabilities), for the test's log.</returns>
    public static string AssertMatches(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual, string what)
    {
        var summary = new List<string>();
        foreach (var (name, reference) in expected.Where(e => actual.ContainsKey(e.Key)))
        {
            var scale = name == OnnxNames.Score ? 1.0 : Math.Max(reference.abs().max().item<float>(), 1e-6);
            var tolerance = name == OnnxNames.Score ? 1e-5 : 1e-4 * scale;
            TensorAssert.Close(reference, actual[name], 0, tolerance, $"{what}: {name} (max |value| {scale:G3})");
            var worst = (reference.to(ScalarType.Float64) - actual[name].to(ScalarType.Float64)).abs().max().item<double>();
            summary.Add(name == OnnxNames.Score ? $"{name} {worst:E1}" : $"{name} {worst / scale:E1}×max");
        }

        return $"{what}: max |Δ| {string.Join(", ", summary)}";
    }

    /// <summary>
    /// A trained-like ResNet-8 (16×16 input) as a model whose scoring preprocessing resizes to 24×24, crops the
    /// centre 16×16 and normalises with ImageNet's statistics: what a client must reproduce from the metadata.
    /// </summary>
    public static ImageClassificationModel Model(params string[] classNames)
    {
        var pipeline = new ImagePipeline().Resize(24, 24).CenterCrop(16).NormalizeImageNet();
        return new ImageClassificationModel(TrainedLike(Architecture.ResNet8, classNames.Length, 16), Architecture.ResNet8, classNames, pipeline, [3, 16, 16], "Test", [], null);
    }

    /// <summary>Asserts that <paramref name="action"/> throws <typeparamref name="T"/> with one line naming <paramref name="mentions"/>; returns the message.</summary>
    public static string AssertOneLineError<T>(Action action, params string[] mentions)
        where T : Exception
    {
        var error = Assert.ThrowsExactly<T>(action);
        Assert.IsFalse(error.Message.Contains('\n', StringComparison.Ordinal), $"one line: {error.Message}");
        foreach (var mention in mentions)
        {
            Assert.IsTrue(error.Message.Contains(mention, StringComparison.Ordinal), $"'{mention}' in: {error.Message}");
        }

        return error.Message;
    }
}
