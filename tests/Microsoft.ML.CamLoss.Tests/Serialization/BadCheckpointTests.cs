using Microsoft.ML.CamLoss.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>Every bad input gets an exception naming the file, what is wrong and what to do; never a crash.</summary>
[TestClass]
public sealed class BadCheckpointTests
{
    [TestMethod]
    public void Load_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        var path = Path.Combine(CheckpointFixtures.Folder, "no_such_checkpoint.pt");
        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => PyTorchCheckpoint.Load(path));
        Assert.AreEqual(path, ex.FileName);
        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "does not exist");
    }

    [TestMethod]
    public void Load_TextFile_ThrowsNotACheckpoint()
    {
        var path = CraftedCheckpoints.Bytes("notes.pt", "just some notes, not weights\n"u8.ToArray());
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));
        Assert.AreEqual(path, ex.Path);
        StringAssert.StartsWith(ex.Message, path + ": ");
        StringAssert.Contains(ex.Message, "not a torch.save checkpoint");
        StringAssert.Contains(ex.Message, "6A75737420736F6D", "the message shows the first bytes");
    }

    [TestMethod]
    public void Load_EmptyFile_ThrowsSayingItIsEmpty()
    {
        var path = CraftedCheckpoints.Bytes("empty.pt", []);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));
        StringAssert.Contains(ex.Message, "the file is empty");
    }

    [TestMethod]
    [DataRow("state_zip.pt", 2000L)]
    [DataRow("state_legacy.pt", 100L)]
    [DataRow("state_legacy.pt", 2000L)]
    public void Load_TruncatedFile_ThrowsSayingItIsTruncated(string fixture, long length)
    {
        var path = CraftedCheckpoints.Truncated(fixture, length);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));
        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "truncated");
        StringAssert.Contains(ex.Message, "Fetch");
    }

    [TestMethod]
    [DataRow("state_zip.pt")]
    [DataRow("state_legacy.pt")]
    [DataRow("wrapped_model_zip.pt")]
    public void Load_EveryTruncation_ThrowsCheckpointFormatExceptionNeverAnotherError(string fixture)
    {
        var bytes = File.ReadAllBytes(CheckpointFixtures.PathOf(fixture));
        var live = TorchSharp.torch.Tensor.TotalCount;
        for (var length = 0; length < bytes.Length; length += 7)
        {
            var path = CraftedCheckpoints.Bytes("cut_" + fixture, bytes[..length]);
            Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path), $"cut at {length} of {bytes.Length} bytes");
        }

        Assert.AreEqual(live, TorchSharp.torch.Tensor.TotalCount, "failed loads release what they built");
    }

    [TestMethod]
    [DataRow("state_legacy.pt")]
    [DataRow("wrapped_model_zip.pt")]
    [DataRow("state.safetensors")]
    public void Read_RandomlyCorruptedBytes_ReadsOrThrowsCheckpointFormatException(string fixture)
    {
        var original = File.ReadAllBytes(CheckpointFixtures.PathOf(fixture));
        var random = new Random(1234);
        for (var trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])original.Clone();
            var offset = random.Next(bytes.Length);
            bytes[offset] = (byte)random.Next(256);
            var path = CraftedCheckpoints.Bytes("corrupt_" + fixture, bytes);
            try
            {
                StateDictFile.Read(path).DisposeAll();
            }
            catch (CheckpointFormatException)
            {
                // Expected for most corruptions; anything else fails the test.
            }
            catch (Exception e)
            {
                Assert.Fail($"byte {offset} set to 0x{bytes[offset]:x2}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    [TestMethod]
    public void Load_UnsupportedStorageType_ThrowsNamingTheStorageClass()
    {
        var path = CheckpointFixtures.PathOf("int16_zip.pt");
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));
        Assert.IsNotInstanceOfType<UnsafeCheckpointException>(ex, "an unsupported storage type is not a security refusal");
        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "torch.ShortStorage");
        StringAssert.Contains(ex.Message, "does not support");
        StringAssert.Contains(ex.Message, "t.to(torch.int32)");
    }

    [TestMethod]
    public void Load_InvalidOpcode_ThrowsMalformedWithThePosition()
    {
        var path = CraftedCheckpoints.Zip("bad_opcode", [0x80, 0x02, (byte)'}', 0xff, (byte)'.']);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));
        StringAssert.Contains(ex.Message, "malformed at byte 3");
        StringAssert.Contains(ex.Message, "0xff is not a pickle opcode");
    }

    [TestMethod]
    public void Load_TensorOutsideItsStorage_ThrowsDamaged()
    {
        // _rebuild_tensor(storage of 2 floats, offset 1, size (4,), stride (1,)).
        byte[] pickle =
        [
            0x80, 0x02, .. "ctorch._utils\n_rebuild_tensor\n((X\u0007\0\0\0storagectorch\nFloatStorage\nX\u0001\0\0\00X\u0003\0\0\0cpuK\u0002t"u8,
            (byte)'Q', (byte)'K', 1, (byte)'K', 4, 0x85, (byte)'K', 1, 0x85, (byte)'t', (byte)'R', (byte)'.',
        ];
        var path = CraftedCheckpoints.Zip("out_of_storage", pickle, ("0", new byte[8]));
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));
        StringAssert.Contains(ex.Message, "reaches outside storage '0' of 2 elements");
    }

    [TestMethod]
    public void Load_StorageWithAHugeElementCount_OneShortLineNoInternalDump()
    {
        // The storage's numel as a LONG4 of 1,000 bytes: an integer of ~2,400 digits.
        byte[] huge = [0x8b, .. BitConverter.GetBytes(1000), .. Enumerable.Repeat((byte)0x7f, 1000)];
        byte[] pickle =
        [
            0x80, 0x02, .. "ctorch._utils\n_rebuild_tensor\n((X\u0007\0\0\0storagectorch\nFloatStorage\nX\u0001\0\0\00X\u0003\0\0\0cpu"u8, .. huge, (byte)'t',
            (byte)'Q', (byte)'K', 0, (byte)'K', 2, 0x85, (byte)'K', 1, 0x85, (byte)'t', (byte)'R', (byte)'.',
        ];
        var path = CraftedCheckpoints.Zip("huge_numel", pickle, ("0", new byte[8]));
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));
        StringAssert.Contains(ex.Message, "storage '0' declares an integer of about 2408 digits as its element count");
        Assert.DoesNotContain("PickleGlobal {", ex.Message, "no record dump");
        Assert.IsLessThan(400, ex.Message.Length, ex.Message);
    }

    [TestMethod]
    public void Load_ListsNestedAMillionDeep_LoadsWithoutOverflowingTheStack()
    {
        const int depth = 1_000_000;
        byte[] pickle = [0x80, 0x02, .. Enumerable.Repeat((byte)']', depth), .. Enumerable.Repeat((byte)'a', depth - 1), (byte)'.'];
        using var checkpoint = PyTorchCheckpoint.Load(CraftedCheckpoints.Zip("deep_lists", pickle));
        var list = (List<object?>)checkpoint.Root!;
        for (var level = 1; level < depth; level++)
        {
            list = (List<object?>)list.Single()!;
        }

        Assert.IsEmpty(list);
    }

    [TestMethod]
    public void Load_DictKeyOfDeeplyNestedTuples_ThrowsMalformed()
    {
        // {((((...(),),...),): 1} nested 1,000 deep: hashing it would recurse 1,000 levels.
        byte[] pickle = [0x80, 0x02, (byte)'}', (byte)')', .. Enumerable.Repeat((byte)0x85, 1000), (byte)'K', 1, (byte)'s', (byte)'.'];
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(CraftedCheckpoints.Zip("deep_key", pickle)));
        StringAssert.Contains(ex.Message, "nests tuples more than 64 deep");
    }

    [TestMethod]
    public void ReadStateDict_CheckpointHoldingAList_ThrowsNoStateDict()
    {
        var path = CraftedCheckpoints.Zip("a_list", [0x80, 0x02, (byte)']', (byte)'.']);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.ReadStateDict(path));
        StringAssert.Contains(ex.Message, "holds a list, not a dict of tensors");
    }

    [TestMethod]
    public void Load_SafeTensorsFile_ThrowsPointingToTheRightReader()
    {
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(CheckpointFixtures.PathOf("state.safetensors")));
        StringAssert.Contains(ex.Message, "SafeTensorsFile.ReadStateDict");
    }
}
