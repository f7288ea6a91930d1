using System.Text.Json;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Torch.Tests;

/// <summary>Reads the PyTorch reference values written by Reference/generate_fixtures.py.</summary>
public static class Fixture
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "foundation.json"))).RootElement);

    /// <summary>The element at a path of property names.</summary>
    public static JsonElement Get(params string[] path)
    {
        var e = Root.Value;
        foreach (var name in path)
        {
            e = e.GetProperty(name);
        }

        return e;
    }

    /// <summary>A tensor stored as {shape, dtype, data}.</summary>
    public static Tensor Load(JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var data = e.GetProperty("data");
        return e.GetProperty("dtype").GetString() switch
        {
            "float32" => Tensor.FromSpan<float>(data.EnumerateArray().Select(v => v.GetSingle()).ToArray(), shape),
            "int64" => Tensor.FromSpan<long>(data.EnumerateArray().Select(v => v.GetInt64()).ToArray(), shape),
            var other => throw new NotSupportedException(other),
        };
    }

    /// <summary>A tensor at a path.</summary>
    public static Tensor Load(params string[] path) => Load(Get(path));

    /// <summary>A state dict stored as {name: tensor}.</summary>
    public static Dictionary<string, Tensor> State(params string[] path) =>
        Get(path).EnumerateObject().ToDictionary(p => p.Name, p => Load(p.Value));
}
