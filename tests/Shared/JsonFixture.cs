using System.Text.Json;
using Torch = Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Testing;

/// <summary>Reads a JSON fixture written by a generator script under Reference/ (Fixtures/NAME.json).</summary>
public sealed class JsonFixture
{
    private static readonly Dictionary<string, JsonFixture> Cache = [];

    private JsonFixture(JsonElement root) => Root = root;

    /// <summary>The document root.</summary>
    public JsonElement Root { get; }

    /// <summary>Fixtures/<paramref name="name"/>, parsed once per test run.</summary>
    public static JsonFixture Open(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var fixture))
            {
                var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
                fixture = new JsonFixture(JsonDocument.Parse(File.ReadAllText(path)).RootElement);
                Cache[name] = fixture;
            }

            return fixture;
        }
    }

    /// <summary>The element at a path of property names.</summary>
    public JsonElement Get(params string[] path)
    {
        var e = Root;
        foreach (var name in path)
        {
            e = e.GetProperty(name);
        }

        return e;
    }

    /// <summary>A tensor stored as {shape, dtype, data} at a path (float32 or int64).</summary>
    public Torch.Tensor Tensor(params string[] path)
    {
        var e = Get(path);
        var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var data = e.GetProperty("data");
        return e.GetProperty("dtype").GetString() switch
        {
            "float32" => Torch.Tensor.FromSpan<float>(data.EnumerateArray().Select(v => v.GetSingle()).ToArray(), shape),
            "int64" => Torch.Tensor.FromSpan<long>(data.EnumerateArray().Select(v => v.GetInt64()).ToArray(), shape),
            var other => throw new NotSupportedException(other),
        };
    }

    /// <summary>A float32 tensor stored as base64 little-endian bytes at <paramref name="dataPath"/> with its shape at <paramref name="shapePath"/>.</summary>
    public Torch.Tensor Base64Tensor(string[] dataPath, string[] shapePath)
    {
        var shape = Get(shapePath).EnumerateArray().Select(v => v.GetInt64()).ToArray();
        return Torch.Tensor.FromBytes(Convert.FromBase64String(Get(dataPath).GetString()!), shape, Torch.ScalarType.Float32);
    }
}
