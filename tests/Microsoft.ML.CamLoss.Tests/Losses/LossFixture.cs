using System.Text.Json;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Tests.Losses;

/// <summary>
/// Reads Fixtures/losses.json, the PyTorch reference written by Reference/generate_loss_fixtures.py
/// (adapted from the Torch test project's fixture reader, which this project does not reference).
/// </summary>
public static class LossFixture
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "losses.json"))).RootElement);

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

    /// <summary>The number at a path.</summary>
    public static double Number(params string[] path) => Get(path).GetDouble();

    /// <summary>A tensor stored as {shape, dtype, data} at a path (float32 or int64).</summary>
    public static Tensor Load(params string[] path)
    {
        var e = Get(path);
        var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var data = e.GetProperty("data");
        return e.GetProperty("dtype").GetString() switch
        {
            "float32" => Tensor.FromSpan<float>(data.EnumerateArray().Select(v => v.GetSingle()).ToArray(), shape),
            "int64" => Tensor.FromSpan<long>(data.EnumerateArray().Select(v => v.GetInt64()).ToArray(), shape),
            var other => throw new NotSupportedException(other),
        };
    }

    /// <summary>A float input at a path, as a leaf that requires grad.</summary>
    public static Tensor Leaf(params string[] path) => Load(path).RequiresGradInPlace();
}
