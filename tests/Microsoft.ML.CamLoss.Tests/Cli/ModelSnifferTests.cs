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
        Assert.AreEqual(ModelFileKind.PyTorchCheckpoint, ModelSniffer.Detect(Path.Combine(Checkpoints, fixture)));

    [TestMethod]
    public void Detect_ZipWithManifest_IsCamLossArchive()
    {
        var path = Path.Combine(Path.GetTempPath(), $"camloss-sniff-{Guid.NewGuid():N}.camloss");
        try
        {
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            {
                zip.CreateEntry("manifest.json");
            }

            Assert.AreEqual(ModelFileKind.CamLossArchive, ModelSniffer.Detect(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Detect_MissingOrOtherFile_SaysSo()
    {
        Assert.AreEqual(ModelFileKind.Missing, ModelSniffer.Detect(Path.Combine(Checkpoints, "no-such-file.pt")));
        Assert.AreEqual(ModelFileKind.Other, ModelSniffer.Detect(Path.Combine(AppContext.BaseDirectory, "Fixtures", "images", "rgb.jpg")));
    }
}
