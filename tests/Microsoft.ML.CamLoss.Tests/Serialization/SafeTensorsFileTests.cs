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

    [TestMethod]
    public void ReadStateDict_OverlappingOffsets_ThrowsNamingBothTensors()
    {
        // Two tensors sharing bytes [4, 8): loading would give both some of the same weights, silently.
        var path = Write("overlap.safetensors", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", new byte[12]);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => SafeTensorsFile.ReadStateDict(path));
        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "tensor 'b' at bytes [4, 12) overlaps tensor 'a'");
        Assert.IsFalse(ex.Message.Contains('\n', StringComparison.Ordinal), ex.Message);
    }

    [TestMethod]
    [DataRow("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}""", 20, "bytes [8, 12) of the data section belong to no tensor")]
    [DataRow("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "bytes [0, 4) of the data section belong to no tensor")]
    [DataRow("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 12, "the tensors end at byte 8 of a data section of 12 bytes")]
    public void ReadStateDict_GapOrTrailingBytes_ThrowsDamaged(string header, int dataLength, string expected)
    {
        var path = Write("gap.safetensors", header, new byte[dataLength]);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => SafeTensorsFile.ReadStateDict(path));
        StringAssert.Contains(ex.Message, expected);
    }

    [TestMethod]
    public void ReadStateDict_OffsetsInAnotherOrderThanTheHeader_ReadsEachTensorFromItsOwnBytes()
    {
        var data = new byte[16];
        BitConverter.GetBytes(1f).CopyTo(data, 0);
        BitConverter.GetBytes(2f).CopyTo(data, 4);
        BitConverter.GetBytes(3f).CopyTo(data, 8);
        BitConverter.GetBytes(4f).CopyTo(data, 12);
        var path = Write("reordered.safetensors", """{"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", data);
        var state = SafeTensorsFile.ReadStateDict(path);
        try
        {
            CollectionAssert.AreEqual(new[] { "b", "a" }, state.Keys.ToArray(), "header order kept");
            CollectionAssert.AreEqual(new[] { 3f, 4f }, state["b"].data<float>().ToArray());
            CollectionAssert.AreEqual(new[] { 1f, 2f }, state["a"].data<float>().ToArray());
        }
        finally
        {
            foreach (var tensor in state.Values)
            {
                tensor.Dispose();
            }
        }
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
