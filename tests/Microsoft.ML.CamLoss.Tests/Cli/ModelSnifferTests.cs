using System.IO.Compression;
using Microsoft.ML.CamLoss.Cli.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

[TestClass]
public sealed class ModelSnifferTests
{
    private static readonly string Checkpoints = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Checkpoints");

    [TestMethod]
    [DataRow("state_legacy.pt")]
    [DataRow("state_zip.pt")]
    [DataRow("wrapped_state_dict_legacy.pt")]
    public void Detect_TorchSaveFile_IsPyTorchCheckpoint(string fixture) =>
        Assert.AreEqual(ModelKind.PyTorchCheckpoint, ModelSniffer.Detect(Path.Combine(Checkpoints, fixture)));

    [TestMethod]
    public void Detect_ZipWithManifest_IsTrainingCheckpoint()
    {
        var path = Path.Combine(Path.GetTempPath(), $"camloss-sniff-{Guid.NewGuid():N}.bin");
        try
        {
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            {
                zip.CreateEntry("manifest.json");
            }

            Assert.AreEqual(ModelKind.TrainingCheckpoint, ModelSniffer.Detect(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Detect_MissingOrOtherFile_SaysSo()
    {
        Assert.AreEqual(ModelKind.Missing, ModelSniffer.Detect(Path.Combine(Checkpoints, "no-such-file.pt")));
        Assert.AreEqual(ModelKind.Other, ModelSniffer.Detect(Path.Combine(AppContext.BaseDirectory, "Fixtures", "images", "rgb.jpg")));
    }

    [TestMethod]
    [DataRow(new byte[] { 0x08, 0x07, 0x12, 0x07 }, "OnnxGraph")]    // ir_version 7, producer_name
    [DataRow(new byte[] { 0x08, 0x09, 0x3A, 0x80 }, "OnnxGraph")]    // ir_version 9, graph
    [DataRow(new byte[] { 0x08, 0x07, 0x00, 0x00 }, "Other")]        // no field 0 in ONNX
    [DataRow(new byte[] { 0x08, 0x87, 0x12, 0x00 }, "Other")]        // a version past one byte: not a graph camloss or PyTorch writes
    [DataRow(new byte[] { 0x0A, 0x07, 0x12, 0x00 }, "Other")]
    public void Detect_OnnxHead_ByContentNotExtension(byte[] head, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"camloss-sniff-{Guid.NewGuid():N}.bin");
        try
        {
            File.WriteAllBytes(path, [.. head, .. new byte[64]]);
            Assert.AreEqual(expected, ModelSniffer.Detect(path).ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
