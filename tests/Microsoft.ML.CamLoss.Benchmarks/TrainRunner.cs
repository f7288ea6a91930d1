using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// One training step on a fixed random batch, as the twins run it: zero the gradients (set to none, as
/// the twins' <c>zero_grad(set_to_none=True)</c>), forward, cross-entropy, backward, SGD step (lr 0.01,
/// momentum 0.9, weight decay 5e-4, TorchSharp's <c>torch.optim.SGD</c>), every temporary freed by a
/// dispose scope per step. The same runner times our backbones and the plain TorchSharp models: only
/// the module and how its logits are read differ.
/// </summary>
internal sealed class TrainRunner : IStepRunner
{
    private readonly nn.Module _model;
    private readonly Func<Tensor, Tensor> _logits;
    private readonly optim.Optimizer _sgd;
    private readonly Tensor _x;
    private readonly Tensor _y;

    /// <summary>Creates the runner; <paramref name="logits"/> runs <paramref name="model"/>'s forward pass and returns its logits.</summary>
    public TrainRunner(nn.Module model, Func<Tensor, Tensor> logits, int batch, int image, int classes = 10)
    {
        _model = model;
        _logits = logits;
        _model.train();
        _sgd = optim.SGD(model.parameters(), 0.01, momentum: 0.9, weight_decay: 5e-4);
        _x = randn([batch, 3, image, image]);
        _y = randint(0, classes, [batch], ScalarType.Int64);
    }

    public void Step()
    {
        using var scope = NewDisposeScope();
        _model.zero_grad();
        nn.functional.cross_entropy(_logits(_x), _y).backward();
        _sgd.step();
    }

    public void Dispose()
    {
        _sgd.Dispose();
        _model.Dispose();
        _x.Dispose();
        _y.Dispose();
    }
}
