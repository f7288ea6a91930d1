using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.ML.CamLoss.Torch.Tests;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>SmallCnn (conv-BN-ReLU-pool-linear) training step vs Twins/train_step.py.</summary>
internal sealed class SmallCnnTrainCase(int channels, int image, int batch, int warmup, int steps, int rounds)
    : BenchmarkCase($"SmallCnn train step (C={channels}, {image}x{image}, batch {batch})", warmup, steps, rounds)
{
    protected override string TwinScript => "train_step.py";

    protected override string TwinArguments => $"--batch {batch} --channels {channels} --image {image}";

    protected override IStepRunner CreateRunner()
    {
        TorchRuntime.ManualSeed(0);
        var model = new SmallCnn(channels, image);
        return new TrainRunner<Tensor>(model, batch, image, m => m.Forward);
    }
}

/// <summary>Backbone training step or evaluation forward vs Twins/backbone_step.py.</summary>
internal sealed class BackboneCase(Architecture architecture, string twinArch, bool train, int image, int batch, int warmup, int steps, int rounds)
    : BenchmarkCase($"{architecture} {(train ? "train step" : "evaluation")} ({image}x{image}, batch {batch})", warmup, steps, rounds)
{
    protected override string TwinScript => "backbone_step.py";

    protected override string TwinArguments => $"--arch {twinArch} --mode {(train ? "train" : "eval")} --batch {batch} --image {image}";

    protected override IStepRunner CreateRunner()
    {
        TorchRuntime.ManualSeed(0);
        var model = Backbones.Create(architecture, 10);
        return train
            ? new TrainRunner<BackboneOutput>(model, batch, image, m => x => m.Forward(x).Logits)
            : new EvalRunner(model, batch, image);
    }
}

/// <summary>Zero grad, forward, cross-entropy, backward, SGD momentum step.</summary>
internal sealed class TrainRunner<TOut> : IStepRunner
{
    private readonly Module<Tensor, TOut> _model;
    private readonly Func<Tensor, Tensor> _logits;
    private readonly Sgd _sgd;
    private readonly Tensor _x;
    private readonly Tensor _y;

    public TrainRunner(Module<Tensor, TOut> model, int batch, int image, Func<Module<Tensor, TOut>, Func<Tensor, Tensor>> logits)
    {
        _model = model;
        _logits = logits(model);
        _sgd = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01, Momentum = 0.9, WeightDecay = 5e-4 });
        _x = Tensor.Randn([batch, 3, image, image]);
        _y = Tensor.RandInt(0, 10, [batch]);
    }

    public void Step()
    {
        using var scope = new TensorScope();
        _sgd.ZeroGrad();
        Functional.CrossEntropy(_logits(_x), _y).Backward();
        _sgd.Step();
    }

    public void Dispose()
    {
        _sgd.Dispose();
        _model.Dispose();
        _x.Dispose();
        _y.Dispose();
    }
}

/// <summary>Evaluation-mode forward without gradients, predictions materialised.</summary>
internal sealed class EvalRunner : IStepRunner
{
    private readonly Backbone _model;
    private readonly Tensor _x;

    public EvalRunner(Backbone model, int batch, int image)
    {
        _model = model;
        _model.Eval();
        _x = Tensor.Randn([batch, 3, image, image]);
    }

    public void Step()
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        using var output = _model.Forward(_x);
        _ = output.Logits.ArgMax(1).ToArray<long>();
    }

    public void Dispose()
    {
        _model.Dispose();
        _x.Dispose();
    }
}
