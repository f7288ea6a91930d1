using Microsoft.ML.CamLoss.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>The library's own weights file: bit-exact round trips, and clear errors for every kind of damage.</summary>
[TestClass]
public sealed class ModelWeightsFileTests
{
    [TestMethod]
    public void SaveThenLoad_EveryDtypeAndView_RoundTripsBitExactly()
    {
        var path = CraftedCheckpoints.TempPath("roundtrip.camlossweights");
        var live = Tensor.TotalCount;
        PyTorchCheckpoint.ReadStateDict(CheckpointFixtures.PathOf("state_zip.pt")).UseThenDispose(state => ModelWeightsFile.Save(path, state));

        ModelWeightsFile.Load(path).UseThenDispose(loaded =>
        {
            // Views are written as their own elements, so strides come back contiguous.
            CheckpointFixtures.AssertStateMatches("state", loaded, strides: false);
            Assert.IsTrue(loaded.Values.All(t => t.is_contiguous()));
        });

        Assert.AreEqual(live, Tensor.TotalCount);
        Assert.IsEmpty(Directory.GetFiles(Path.GetDirectoryName(path)!, ".roundtrip.camlossweights.*.tmp"), "no temporary file is left behind");
    }

    [TestMethod]
    public void Load_OneByteCorrupted_ThrowsChecksumMismatchNamingTheFile()
    {
        var path = SaveSample("corrupted.camlossweights");
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => ModelWeightsFile.Load(path));
        Assert.AreEqual(path, ex.Path);
        StringAssert.StartsWith(ex.Message, path + ": checksum mismatch");
        StringAssert.Contains(ex.Message, "corrupted");
    }

    [TestMethod]
    public void Load_NotAWeightsFile_ThrowsWrongMagicPointingToStateDictFile()
    {
        var path = CheckpointFixtures.PathOf("state_zip.pt");
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => ModelWeightsFile.Load(path));
        StringAssert.Contains(ex.Message, "not a CamLoss weights file");
        StringAssert.Contains(ex.Message, "504B0304");
        StringAssert.Contains(ex.Message, "StateDictFile.Read");
    }

    [TestMethod]
    public void Load_NewerFormatVersion_ThrowsAskingToUpdateTheLibrary()
    {
        var path = SaveSample("version2.camlossweights");
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 2;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => ModelWeightsFile.Load(path));
        StringAssert.Contains(ex.Message, "format version 2");
        StringAssert.Contains(ex.Message, "update the library");
    }

    [TestMethod]
    [DataRow(20)]
    [DataRow(100)]
    public void Load_Truncated_ThrowsTruncated(int keep)
    {
        var path = SaveSample("truncated.camlossweights");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..keep]);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => ModelWeightsFile.Load(path));
        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "truncated");
    }

    [TestMethod]
    public void Save_RepeatedName_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.ones(2);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ModelWeightsFile.Save(CraftedCheckpoints.TempPath("repeated.camlossweights"), [new("w", t), new("w", t)]));
        StringAssert.Contains(ex.Message, "'w' appears twice");
    }

    [TestMethod]
    [DataRow("state_legacy.pt")]
    [DataRow("state.safetensors")]
    [DataRow("roundtrip")]
    public void StateDictFileRead_AnyKnownFormat_ReadsTheTensors(string file)
    {
        var path = file == "roundtrip" ? SaveSample("dispatch.camlossweights") : CheckpointFixtures.PathOf(file);
        StateDictFile.Read(path).UseThenDispose(state => CheckpointFixtures.AssertBitExact(CheckpointFixtures.Case("state")[0].Entry, state["conv.weight"], "conv.weight"));
    }

    private static string SaveSample(string name)
    {
        var path = CraftedCheckpoints.TempPath(name);
        PyTorchCheckpoint.ReadStateDict(CheckpointFixtures.PathOf("state_legacy.pt")).UseThenDispose(state => ModelWeightsFile.Save(path, state));
        return path;
    }
}
