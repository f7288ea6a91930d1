using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Losses;

/// <summary>Fixtures/losses.json, the PyTorch reference written by Reference/generate_loss_fixtures.py.</summary>
public static class LossFixture
{
    private static JsonFixture Fixture => JsonFixture.Open("losses.json");

    /// <summary>The element at a path of property names.</summary>
    public static JsonElement Get(params string[] path) => Fixture.Get(path);

    /// <summary>The number at a path.</summary>
    public static double Number(params string[] path) => Fixture.Get(path).GetDouble();

    /// <summary>A tensor stored as {shape, dtype, data} at a path (float32 or int64).</summary>
    public static Tensor Load(params string[] path) => Fixture.Tensor(path);

    /// <summary>A float input at a path, as a leaf that requires grad.</summary>
    public static Tensor Leaf(params string[] path) => Load(path).requires_grad_();
}
