using Microsoft.ML.CamLoss.Benchmarks.Plain;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Testing;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// SmallCnn (conv-BN-ReLU-pool-linear, a plain TorchSharp module shared with the engine tests) training
/// step vs Twins/train_step.py: what one small step costs in TorchSharp against Python.
/// </summary>
internal sealed class SmallCnnTrainCase(int channels, int image, int batch, int warmup, int steps, int rounds)
    : BenchmarkCase($"SmallCnn train step, plain TorchSharp module (C={channels}, {image}x{image}, batch {batch})", warmup, steps, rounds)
{
    protected override string TwinScript => "train_step.py";

    protected override string TwinArguments => $"--batch {batch} --channels {channels} --image {image}";

    protected override IStepRunner CreateRunner()
    {
        torch.manual_seed(0);
        var model = new SmallCnn(channels, image);
        return new TrainRunner(model, model.forward, batch, image);
    }
}

/// <summary>
/// Our backbone's training step or evaluation forward vs the same network as a plain TorchSharp module
/// (<see cref="PlainModels"/>) and vs Twins/backbone_step.py.
/// </summary>
internal sealed class BackboneCase(Architecture architecture, string twinArch, bool train, int image, int batch, int warmup, int steps, int rounds)
    : BenchmarkCase($"{architecture} {(train ? "train step" : "evaluation")} ({image}x{image}, batch {batch})", warmup, steps, rounds)
{
    private const int Classes = 10;

    protected override string TwinScript => "backbone_step.py";

    protected override string TwinArguments => $"--arch {twinArch} --mode {(train ? "train" : "eval")} --batch {batch} --image {image}";

    protected override IStepRunner CreateRunner()
    {
        torch.manual_seed(0);
        var model = Backbones.Create(architecture, Classes);
        return Runner(model, x => model.forward(x).Logits);
    }

    protected override IStepRunner? CreatePlainRunner()
    {
        torch.manual_seed(0);
        return PlainModels.Create(architecture, Classes) is { } model ? Runner(model, model.forward) : null;
    }

    private IStepRunner Runner(torch.nn.Module model, Func<torch.Tensor, torch.Tensor> logits) =>
        train ? new TrainRunner(model, logits, batch, image, Classes) : new EvalRunner(model, logits, batch, image);
}
