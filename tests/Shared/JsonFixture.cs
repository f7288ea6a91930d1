using System.Text.Json;
using TorchSharp;

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

    /// <summary>
    /// A CPU tensor stored as {shape, dtype, data} at a path (float32 or int64). It joins the
    /// caller's dispose scope, if any; otherwise the caller disposes it.
    /// </summary>
    public torch.Tensor Tensor(params string[] path)
    {
        var e = Get(path);
        var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var data = e.GetProperty("data");
        return e.GetProperty("dtype").GetString() switch
        {
            "float32" => torch.tensor(data.EnumerateArray().Select(v => v.GetSingle()).ToArray(), shape),
            "int64" => torch.tensor(data.EnumerateArray().Select(v => v.GetInt64()).ToArray(), shape),
            var other => throw new NotSupportedException($"fixture dtype {other}"),
        };
    }

    /// <summary>A float32 CPU tensor stored as base64 little-endian bytes at <paramref name="dataPath"/> with its shape at <paramref name="shapePath"/>.</summary>
    public torch.Tensor Base64Tensor(string[] dataPath, string[] shapePath)
    {
        var shape = Get(shapePath).EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var bytes = Convert.FromBase64String(Get(dataPath).GetString()!);
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * sizeof(float));
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The fixtures store little-endian floats.");
        }

        return torch.tensor(values, shape);
    }
}
