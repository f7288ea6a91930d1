using System.Buffers.Binary;
using System.Text;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>.safetensors files (written by hand in the generator, as the safetensors package lays them out).</summary>
[TestClass]
public sealed class SafeTensorsFileTests
{
    [TestMethod]
    public void ReadStateDict_HandWrittenFile_ReadsEveryDtypeBitExactlyInHeaderOrder()
    {
        SafeTensorsFile.ReadStateDict(CheckpointFixtures.PathOf("state.safetensors")).UseThenDispose(state =>
        {
            var expected = CheckpointFixtures.Case("state").Where(e => state.ContainsKey(e.Name)).ToList();
            CollectionAssert.AreEqual(
                new[] { "conv.weight", "conv.bias", "half", "bfloat16", "int64", "int32", "uint8", "mask", "empty" },
                state.Keys.ToList());
            foreach (var (name, entry) in expected)
            {
                CheckpointFixtures.AssertBitExact(entry, state[name], name);
            }
        });
    }

    [TestMethod]
    public void ReadMetadata_FileWithMetadata_ReturnsTheStrings()
    {
        var metadata = SafeTensorsFile.ReadMetadata(CheckpointFixtures.PathOf("state.safetensors"));
        Assert.AreEqual("pt", metadata["format"]);
        Assert.AreEqual(2, metadata.Count);
    }

    [TestMethod]
    public void ReadStateDict_TruncatedData_ThrowsNamingTheTensorAndFile()
    {
        var bytes = File.ReadAllBytes(CheckpointFixtures.PathOf("state.safetensors"));
        var path = CraftedCheckpoints.Bytes("truncated.safetensors", bytes[..^40]);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => SafeTensorsFile.ReadStateDict(path));
        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "truncated");
    }

    [TestMethod]
    public void ReadStateDict_TruncatedHeader_ThrowsTruncated()
    {
        var path = CraftedCheckpoints.Truncated("state.safetensors", 100);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => SafeTensorsFile.ReadStateDict(path));
        StringAssert.Contains(ex.Message, "truncated or not a .safetensors file");
    }

    [TestMethod]
    public void ReadStateDict_UnsupportedDtype_ThrowsNamingTheDtype()
    {
        var path = Write("int16.safetensors", """{"x":{"dtype":"I16","shape":[2],"data_offsets":[0,4]}}""", new byte[4]);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => SafeTensorsFile.ReadStateDict(path));
        StringAssert.Contains(ex.Message, "tensor 'x' has dtype I16");
    }

    [TestMethod]
    public void ReadStateDict_SizeDisagreesWithShape_ThrowsDamaged()
    {
        var path = Write("wrong_size.safetensors", """{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", new byte[8]);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => SafeTensorsFile.ReadStateDict(path));
        StringAssert.Contains(ex.Message, "has 8 bytes but shape [3] of F32 needs 12");
    }

    [TestMethod]
    public void ReadStateDict_HeaderNotJson_ThrowsDamaged()
    {
        var path = Write("not_json.safetensors", "{not json", []);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => SafeTensorsFile.ReadStateDict(path));
        StringAssert.Contains(ex.Message, "not valid JSON");
    }

    private static string Write(string name, string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return CraftedCheckpoints.Bytes(name, bytes);
    }
}
