using System.Text;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>Pickles that would run code in Python are refused before anything is built; nothing is executed.</summary>
[TestClass]
public sealed class UnsafeCheckpointTests
{
    [TestMethod]
    [DataRow("os_system_zip.pt")]
    [DataRow("os_system_legacy.pt")]
    public void Load_PickleCallingOsSystem_RefusedNamingTheGlobalAndTheFile(string file)
    {
        var path = CheckpointFixtures.PathOf(file);
        var marker = Path.Combine(Environment.CurrentDirectory, CheckpointFixtures.Text("os_system_command").Split(' ')[1]);
        var ex = Assert.ThrowsExactly<UnsafeCheckpointException>(() => PyTorchCheckpoint.Load(path));
        Assert.AreEqual("os.system", ex.GlobalName);
        Assert.AreEqual(path, ex.Path);
        StringAssert.Contains(ex.Message, "'os.system'");
        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "Nothing was executed");
        StringAssert.Contains(ex.Message, "state_dict()", "the message says what to do");
        Assert.IsFalse(File.Exists(marker), "the command in the pickle never ran");
        Assert.ThrowsExactly<UnsafeCheckpointException>(() => PyTorchCheckpoint.ReadStateDict(path));
        Assert.ThrowsExactly<UnsafeCheckpointException>(() => StateDictFile.Read(path));
    }

    [TestMethod]
    public void Load_Protocol4StackGlobalBuiltinsEval_Refused()
    {
        // {'x': builtins.eval('1+1')} with pickle protocol 4 (SHORT_BINUNICODE, STACK_GLOBAL).
        var pickle = Concat([0x80, 0x04, (byte)'}'], ShortUnicode("x"), ShortUnicode("builtins"), ShortUnicode("eval"),
            [0x93], ShortUnicode("1+1"), [0x85, (byte)'R', (byte)'s', (byte)'.']);
        var path = CraftedCheckpoints.Zip("eval_protocol4", pickle);
        var ex = Assert.ThrowsExactly<UnsafeCheckpointException>(() => PyTorchCheckpoint.Load(path));
        Assert.AreEqual("builtins.eval", ex.GlobalName);
        StringAssert.Contains(ex.Message, path);
    }

    [TestMethod]
    public void Load_LegacyGlobalBuiltinGetattr_Refused()
    {
        // __builtin__.getattr(OrderedDict, 'fromkeys'): even reaching an attribute of an allowed class is refused.
        var pickle = Concat([0x80, 0x02], Encoding.ASCII.GetBytes("c__builtin__\ngetattr\ncollections\nOrderedDict\n"),
            [(byte)'X', 8, 0, 0, 0], Encoding.ASCII.GetBytes("fromkeys"), [0x86, (byte)'R', (byte)'.']);
        var path = CraftedCheckpoints.Legacy("getattr_legacy.pt", pickle);
        var ex = Assert.ThrowsExactly<UnsafeCheckpointException>(() => PyTorchCheckpoint.Load(path));
        Assert.AreEqual("__builtin__.getattr", ex.GlobalName);
    }

    [TestMethod]
    public void Load_ExtensionRegistryOpcode_Refused()
    {
        var path = CraftedCheckpoints.Zip("ext1", [0x80, 0x02, 0x82, 0x07, (byte)'.']);
        var ex = Assert.ThrowsExactly<UnsafeCheckpointException>(() => PyTorchCheckpoint.Load(path));
        StringAssert.Contains(ex.Message, "copyreg extension code 7");
    }

    [TestMethod]
    public void Load_StorageClassCalledAsFunction_IsAFormatErrorNotACall()
    {
        // torch.FloatStorage(10): allowed only as a marker in persistent ids.
        var pickle = Concat([0x80, 0x02], Encoding.ASCII.GetBytes("ctorch\nFloatStorage\n"), [(byte)'K', 10, 0x85, (byte)'R', (byte)'.']);
        var path = CraftedCheckpoints.Zip("storage_call", pickle);
        var ex = Assert.ThrowsExactly<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path));
        StringAssert.Contains(ex.Message, "torch.FloatStorage is called");
    }

    private static byte[] ShortUnicode(string text) => [0x8c, (byte)text.Length, .. Encoding.ASCII.GetBytes(text)];

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
