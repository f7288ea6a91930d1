using System.Text.Json;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Onnx.Protobuf;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Onnx;

/// <summary>
/// Reference/check_onnx_exports.py ran <c>onnx.checker</c> (full check: operator schemas, types, shape
/// inference) on graphs <c>camloss export</c> wrote, one per family and export option, and recorded their
/// structure in Fixtures/onnx_checker.json. These tests export the same cases now and assert the same
/// structure (IR version, opsets, operator counts, input and output shapes, metadata keys), so a graph that
/// onnx.checker has not seen fails here until the script runs again.
/// </summary>
[TestClass]
public sealed class OnnxCheckerFixtureTests
{
    private static readonly JsonFixture Fixture = JsonFixture.Open("onnx_checker.json");

    public static IEnumerable<object[]> Cases => Fixture.Get("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Export_CaseCheckedByOnnxChecker_SameGraphStructure(string name)
    {
        var expected = Fixture.Get("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        Assert.AreEqual("passed", expected.GetProperty("checker").GetString());
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        var classes = expected.GetProperty("classes").GetInt32();
        var size = expected.GetProperty("size").GetInt32();
        using var network = Backbones.Create(EnumNames.Parse<Architecture>(expected.GetProperty("arch").GetString()!, "architecture"), classes);
        var preprocessing = new ImagePipeline().Resize(size, size).NormalizeImageNet();
        var flags = expected.GetProperty("options").EnumerateArray().Select(o => o.GetString()!).ToArray();
        var model = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(network, [.. Enumerable.Range(0, classes).Select(i => $"c{i}")], preprocessing, Options(flags)));

        var stale = $"{name}: the exporter's graph differs from the one onnx.checker passed; run Reference/check_onnx_exports.py again";
        Assert.AreEqual(expected.GetProperty("ir_version").GetInt64(), model.IrVersion, stale);
        CollectionAssert.AreEquivalent(
            expected.GetProperty("opsets").EnumerateObject().Select(o => $"{o.Name}:{o.Value.GetInt64()}").ToArray(),
            model.OpsetImport.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)}:{o.Version}").ToArray(),
            stale);
        CollectionAssert.AreEquivalent(
            expected.GetProperty("operators").EnumerateObject().Select(o => $"{o.Name}×{o.Value.GetInt32()}").ToArray(),
            model.Graph.Node.GroupBy(n => n.OpType).Select(g => $"{g.Key}×{g.Count()}").ToArray(),
            stale);
        CollectionAssert.AreEqual(Shapes(expected.GetProperty("inputs")), model.Graph.Input.Select(Shape).ToArray(), stale);
        CollectionAssert.AreEqual(Shapes(expected.GetProperty("outputs")), model.Graph.Output.Select(Shape).ToArray(), $"{stale} (onnx's shape inference gave these output shapes)");
        CollectionAssert.AreEqual(
            expected.GetProperty("metadata").EnumerateArray().Select(k => k.GetString()).ToArray(), model.MetadataProps.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray(), stale);
    }

    /// <summary>The export options <c>camloss export</c> derives from its flags.</summary>
    private static OnnxExportOptions Options(string[] flags)
    {
        var cam = Array.IndexOf(flags, "--cam") is var at and >= 0 ? flags[at + 1] : "feature";
        return new OnnxExportOptions
        {
            Maps = cam == "none" ? OnnxMaps.None : OnnxMaps.CamAndCaam | (flags.Contains("--cams") ? OnnxMaps.Cams : OnnxMaps.None),
            MapResolution = cam == "input" ? MapResolution.Input : MapResolution.Feature,
            FoldBatchNorm = !flags.Contains("--keep-batchnorm"),
        };
    }

    private static string[] Shapes(JsonElement values) =>
        [.. values.EnumerateObject().Select(v => $"{v.Name} [{string.Join(", ", v.Value.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)))}]")];

    private static string Shape(ValueInfoProto value) =>
        $"{value.Name} [{string.Join(", ", value.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
