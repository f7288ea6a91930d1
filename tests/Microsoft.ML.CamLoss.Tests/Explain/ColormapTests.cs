using Microsoft.ML.CamLoss.Explain;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Explain;

/// <summary>
/// Colormaps against matplotlib 3.6 (Fixtures/explain.json from Reference/generate_explain_fixtures.py):
/// the tables and the value → entry rule must agree exactly, since both sides round the same
/// doubles half to even.
/// </summary>
[TestClass]
public sealed class ColormapTests
{
    [TestMethod]
    [DataRow(Colormap.Jet, "jet")]
    [DataRow(Colormap.Viridis, "viridis")]
    [DataRow(Colormap.Gray, "gray")]
    public void Table_EachColormap_EqualsMatplotlibEntriesRounded(Colormap colormap, string name)
    {
        var expected = Convert.FromBase64String(JsonFixture.Open("explain.json").Get("colormaps", name).GetString()!);

        var table = colormap.Table().ToArray();

        Assert.AreEqual(ColormapExtensions.EntryCount * 3, table.Length, "table length");
        var mismatch = Enumerable.Range(0, table.Length).FirstOrDefault(i => table[i] != expected[i], -1);
        Assert.AreEqual(-1, mismatch, mismatch < 0 ? "" : $"{name} entry {mismatch / 3} channel {mismatch % 3}: {table[mismatch]}, matplotlib {expected[mismatch]}");
    }

    [TestMethod]
    [DataRow(Colormap.Jet, "jet")]
    [DataRow(Colormap.Viridis, "viridis")]
    [DataRow(Colormap.Gray, "gray")]
    public void Map_BinEdgesOutOfRangeAndRandomValues_EqualsMatplotlibCall(Colormap colormap, string name)
    {
        var samples = JsonFixture.Open("explain.json").Get("samples");
        var values = samples.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var expected = Convert.FromBase64String(samples.GetProperty(name).GetString()!);

        for (var i = 0; i < values.Length; i++)
        {
            var (r, g, b) = colormap.Map(values[i]);
            Assert.AreEqual((expected[3 * i], expected[(3 * i) + 1], expected[(3 * i) + 2]), (r, g, b), $"{name}({values[i]:R})");
        }
    }

    [TestMethod]
    public void Map_NaN_IsBlackAsMatplotlibsBadColour()
    {
        Assert.AreEqual(((byte)0, (byte)0, (byte)0), Colormap.Viridis.Map(float.NaN));
    }

    [TestMethod]
    public void Table_UndefinedColormap_ThrowsArgumentOutOfRange()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ((Colormap)42).Table().ToArray());
    }
}
