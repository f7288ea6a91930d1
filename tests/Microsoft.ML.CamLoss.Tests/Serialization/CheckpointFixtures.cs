using System.Text.Json;
using Microsoft.ML.CamLoss.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>
/// The files and expectations written by Reference/generate_checkpoint_fixtures.py (PyTorch 1.13),
/// and bit-exact comparisons against them.
/// </summary>
public static class CheckpointFixtures
{
    private static readonly Lazy<JsonElement> Expected = new(() => Json("checkpoints.json"));

    /// <summary>The folder of the fixtures in the test output.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Checkpoints");

    /// <summary>The path of a fixture file.</summary>
    public static string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>Expected tensors of a case (<c>state</c> or <c>model</c>), by name, in PyTorch's order.</summary>
    public static IReadOnlyList<(string Name, JsonElement Entry)> Case(string name) =>
        Expected.Value.GetProperty(name).EnumerateObject().Select(p => (p.Name, p.Value)).ToList();

    /// <summary>A top-level string of checkpoints.json.</summary>
    public static string Text(string name) => Expected.Value.GetProperty(name).GetString()!;

    /// <summary>A JSON fixture.</summary>
    public static JsonElement Json(string name) => JsonDocument.Parse(File.ReadAllText(PathOf(name))).RootElement;

    /// <summary>Same dtype, shape and bytes as PyTorch wrote; same strides too when <paramref name="strides"/>.</summary>
    public static void AssertBitExact(JsonElement expected, Tensor actual, string what, bool strides = true)
    {
        Assert.AreEqual(expected.GetProperty("dtype").GetString(), PythonName(actual.dtype), $"{what}: dtype");
        CollectionAssert.AreEqual(Longs(expected.GetProperty("shape")), actual.shape, $"{what}: shape");
        if (strides && actual.NumberOfElements > 0)
        {
            CollectionAssert.AreEqual(Longs(expected.GetProperty("strides")), actual.stride(), $"{what}: strides");
        }

        Assert.AreEqual(expected.GetProperty("hex").GetString(), Convert.ToHexStringLower(TensorBytes.ToLittleEndian(actual)), $"{what}: bytes");
    }

    /// <summary>Every expected tensor of a case is in <paramref name="actual"/>, in the same order, bit for bit.</summary>
    public static void AssertStateMatches(string caseName, IReadOnlyDictionary<string, Tensor> actual, string prefix = "", bool strides = true)
    {
        var expected = Case(caseName);
        CollectionAssert.AreEqual(expected.Select(e => prefix + e.Name).ToList(), actual.Keys.ToList(), "keys, in file order");
        foreach (var (name, entry) in expected)
        {
            AssertBitExact(entry, actual[prefix + name], name, strides);
        }
    }

    /// <summary>Runs <paramref name="use"/> on a state dict returned by a reader, then disposes its tensors (the caller owns them).</summary>
    public static void UseThenDispose(this OrderedDictionary<string, Tensor> state, Action<OrderedDictionary<string, Tensor>> use)
    {
        try
        {
            use(state);
        }
        finally
        {
            state.DisposeAll();
        }
    }

    /// <summary>Disposes every tensor of a state dict returned by a reader (the caller owns them).</summary>
    public static void DisposeAll(this IEnumerable<KeyValuePair<string, Tensor>> state)
    {
        foreach (var (_, tensor) in state)
        {
            tensor.Dispose();
        }
    }

    private static long[] Longs(JsonElement array) => array.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    private static string PythonName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        _ => dtype.ToString(),
    };
}
