using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>
/// Fixtures/foundation.json: PyTorch 1.13 reference values written by
/// Reference/generate_foundation_fixtures.py (the small CNN, functional ops, seeded draws, autograd, schedules).
/// </summary>
internal static class FoundationFixture
{
    private static JsonFixture Values => JsonFixture.Open("foundation.json");

    /// <summary>The element at a path of property names.</summary>
    public static JsonElement Get(params string[] path) => Values.Get(path);

    /// <summary>A CPU tensor stored as {shape, dtype, data} at a path; it joins the caller's dispose scope.</summary>
    public static Tensor Load(params string[] path) => Values.Tensor(path);

    /// <summary>The names of a state dict stored as {name: tensor}, in PyTorch's <c>state_dict()</c> order.</summary>
    public static IReadOnlyList<string> StateKeys(params string[] path) => [.. Get(path).EnumerateObject().Select(p => p.Name)];

    /// <summary>A state dict stored as {name: tensor}; the tensors join the caller's dispose scope.</summary>
    public static Dictionary<string, Tensor> State(params string[] path) =>
        StateKeys(path).ToDictionary(name => name, name => Load([.. path, name]), StringComparer.Ordinal);
}
