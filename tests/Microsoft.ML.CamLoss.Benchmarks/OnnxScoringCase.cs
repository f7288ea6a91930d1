using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// Scoring speed: the network exported by <see cref="OnnxExport"/> (BatchNorm folded, normalisation inside)
/// on ONNX Runtime, against our TorchSharp evaluation forward (<see cref="EvalRunner"/>: eval mode, no_grad)
/// and PyTorch 1.13's evaluation loop (Twins/backbone_step.py --mode eval: no_grad, eval mode), same
/// threads, random weights and a fixed random batch; each step copies the predictions to the host. With
/// batch 1 the ms/step is the single-image latency.
/// </summary>
internal sealed class OnnxScoringCase(Architecture architecture, string twinArch, int image, int batch, int warmup, int steps, int rounds, int threads)
    : BenchmarkCase($"{architecture} scoring on ONNX Runtime ({image}x{image}, batch {batch})", warmup, steps, rounds)
{
    private const int Classes = 10;

    protected override string OursLabel => "ONNX Runtime";

    protected override string PlainLabel => "our TorchSharp eval";

    protected override int ImagesPerStep => batch;

    protected override string TwinScript => "backbone_step.py";

    protected override string TwinArguments => $"--arch {twinArch} --mode eval --batch {batch} --image {image}";

    protected override IStepRunner CreateRunner()
    {
        torch.manual_seed(0);
        using var network = Backbones.Create(architecture, Classes);
        var onnx = OnnxExport.ToBytes(network, [.. Enumerable.Range(0, Classes).Select(i => $"c{i}")], new ImagePipeline().NormalizeImageNet());
        return new OnnxRunner(onnx, batch, image, threads);
    }

    protected override IStepRunner CreatePlainRunner()
    {
        torch.manual_seed(0);
        var model = Backbones.Create(architecture, Classes);
        return new EvalRunner(model, x => model.forward(x).Logits, batch, image);
    }
}
