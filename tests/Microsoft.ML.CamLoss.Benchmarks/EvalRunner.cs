using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>An evaluation-mode forward pass without gradients on a fixed random batch, predictions copied to the host.</summary>
internal sealed class EvalRunner : IStepRunner
{
    private readonly nn.Module _model;
    private readonly Func<Tensor, Tensor> _logits;
    private readonly Tensor _x;

    /// <summary>Creates the runner; <paramref name="logits"/> runs <paramref name="model"/>'s forward pass and returns its logits.</summary>
    public EvalRunner(nn.Module model, Func<Tensor, Tensor> logits, int batch, int image)
    {
        _model = model;
        _logits = logits;
        _model.eval();
        _x = randn([batch, 3, image, image]);
    }

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _ = _logits(_x).argmax(1).data<long>().ToArray();
    }

    public void Dispose()
    {
        _model.Dispose();
        _x.Dispose();
    }
}
