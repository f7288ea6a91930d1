using System.Text.Json;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Torch.Tests;

/// <summary>Fixtures/foundation.json, the PyTorch reference written by Reference/generate_fixtures.py.</summary>
public static class Fixture
{
    private static JsonFixture Values => JsonFixture.Open("foundation.json");

    /// <summary>The element at a path of property names.</summary>
    public static JsonElement Get(params string[] path) => Values.Get(path);

    /// <summary>A tensor stored as {shape, dtype, data} at a path.</summary>
    public static Tensor Load(params string[] path) => Values.Tensor(path);

    /// <summary>A state dict stored as {name: tensor}.</summary>
    public static Dictionary<string, Tensor> State(params string[] path) =>
        Get(path).EnumerateObject().ToDictionary(p => p.Name, p => Load([.. path, p.Name]));
}
