using System.Numerics;
using Microsoft.ML.CamLoss.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>torch.save files read back exactly as PyTorch 1.13 wrote them (Reference/generate_checkpoint_fixtures.py).</summary>
[TestClass]
public sealed class PyTorchCheckpointTests
{
    [TestMethod]
    [DataRow("state_zip.pt", PyTorchCheckpointFormat.Zip)]
    [DataRow("state_legacy.pt", PyTorchCheckpointFormat.Legacy)]
    [DataRow("state_zip_protocol4.pt", PyTorchCheckpointFormat.Zip)]
    public void ReadStateDict_EveryFormat_ReadsEveryDtypeAndLayoutBitExactly(string file, PyTorchCheckpointFormat format)
    {
        var live = Tensor.TotalCount;
        using (var checkpoint = PyTorchCheckpoint.Load(CheckpointFixtures.PathOf(file)))
        {
            Assert.AreEqual(format, checkpoint.Format);
        }

        PyTorchCheckpoint.ReadStateDict(CheckpointFixtures.PathOf(file)).UseThenDispose(state =>
        {
            CheckpointFixtures.AssertStateMatches("state", state);
            Assert.IsFalse(state["transposed"].is_contiguous(), "the transposed view keeps its strides");
        });

        Assert.AreEqual(live, Tensor.TotalCount, "every handle is released once the caller disposes the state dict");
    }

    [TestMethod]
    [DataRow("state_zip.pt")]
    [DataRow("state_legacy.pt")]
    public void ReadStateDict_TensorsThatSharedAStorage_ShareMemory(string file)
    {
        PyTorchCheckpoint.ReadStateDict(CheckpointFixtures.PathOf(file)).UseThenDispose(state =>
        {
            state["shared.a"].fill_(-1);
            CollectionAssert.AreEqual(Enumerable.Repeat(-1f, 12).ToArray(), state["shared.b"].data<float>().ToArray(), "a write through shared.a shows in shared.b");
            CheckpointFixtures.AssertBitExact(CheckpointFixtures.Case("state").Single(e => e.Name == "offset_view").Entry, state["offset_view"], "offset_view is untouched");
        });
    }

    [TestMethod]
    public void ReadStateDict_UnderStateDictWithModulePrefix_RemovesThePrefixAndSkipsOtherEntries()
    {
        PyTorchCheckpoint.ReadStateDict(CheckpointFixtures.PathOf("wrapped_state_dict_legacy.pt")).UseThenDispose(state => CheckpointFixtures.AssertStateMatches("state", state));
    }

    [TestMethod]
    public void ReadStateDict_UnderModel_ReadsTheModuleStateDict()
    {
        PyTorchCheckpoint.ReadStateDict(CheckpointFixtures.PathOf("wrapped_model_zip.pt")).UseThenDispose(state =>
        {
            CheckpointFixtures.AssertStateMatches("model", state);
            Assert.IsFalse(state["conv.weight"].requires_grad, "state dict handles are detached from autograd");
        });
    }

    [TestMethod]
    public void Load_WrappedCheckpoint_ExposesTheWholeObjectGraph()
    {
        using var checkpoint = PyTorchCheckpoint.Load(CheckpointFixtures.PathOf("wrapped_model_zip.pt"));
        var root = (OrderedDictionary<object, object?>)checkpoint.Root!;
        CollectionAssert.AreEqual(new object[] { "model", "epoch", "optimizer", "meta", "parameter" }, root.Keys.ToList());
        Assert.AreEqual(3L, root["epoch"]);

        var groups = (List<object?>)((OrderedDictionary<object, object?>)root["optimizer"]!)["param_groups"]!;
        var group = (OrderedDictionary<object, object?>)groups[0]!;
        Assert.AreEqual(0.1, group["lr"]);
        CollectionAssert.AreEqual(new object[] { 0L, 1L, 2L }, (List<object?>)group["params"]!);

        var meta = (OrderedDictionary<object, object?>)root["meta"]!;
        Assert.AreEqual("net", meta["name"]);
        CollectionAssert.AreEqual(new byte[] { 0x00, 0xff, (byte)'a', (byte)'b' }, (byte[])meta["bytes"]!);
        Assert.AreEqual("(1, 2.5, None, True)", meta["tuple"]!.ToString());
        Assert.AreEqual(BigInteger.Pow(2, 70), meta["big"]);
        Assert.AreEqual(-5L, meta["negative"]);

        var parameter = (Tensor)root["parameter"]!;
        Assert.IsTrue(parameter.requires_grad, "an nn.Parameter (_rebuild_parameter) requires gradients, as in PyTorch");
        CollectionAssert.AreEqual(new float[] { 1, 1 }, parameter.data<float>().ToArray());
        Assert.AreEqual(CheckpointFixtures.Case("model").Count + 1, checkpoint.Tensors.Count, "the model's tensors and the parameter");
    }

    [TestMethod]
    public void Load_LegacyStorageViewSavedBigEndian_ReadsTheViewedElements()
    {
        // {'t': _rebuild_tensor(storage view ('view', offset 1, 2 elements) of 'root' (4 floats), 0, (2,), (1,))},
        // as PyTorch before 0.4 wrote storage views, on a big-endian machine.
        byte[] pickle =
        [
            0x80, 0x02, (byte)'}', .. CraftedCheckpoints.Unicode("t"), .. "ctorch._utils\n_rebuild_tensor\n"u8, (byte)'(', (byte)'(',
            .. CraftedCheckpoints.Unicode("storage"), .. "ctorch\nFloatStorage\n"u8, .. CraftedCheckpoints.Unicode("root"),
            .. CraftedCheckpoints.Unicode("cpu"), (byte)'K', 4, .. CraftedCheckpoints.Unicode("view"), (byte)'K', 1, (byte)'K', 2, 0x87, (byte)'t',
            (byte)'Q', (byte)'K', 0, (byte)'K', 2, 0x85, (byte)'K', 1, 0x85, (byte)'t', (byte)'R', (byte)'s', (byte)'.',
        ];
        var data = new float[] { 10, 11, 12, 13 }.SelectMany(v => BitConverter.GetBytes(v).Reverse()).ToArray();
        var path = CraftedCheckpoints.Legacy("storage_view_big_endian.pt", pickle, bigEndian: true, ("root", 4, data));
        using var checkpoint = PyTorchCheckpoint.Load(path);
        CollectionAssert.AreEqual(new float[] { 11, 12 }, checkpoint.Tensors.Single().data<float>().ToArray());
    }

    [TestMethod]
    public void Load_StateDictCheckpoint_GraphTensorsAreTheSameObjectsAsTensors()
    {
        using var checkpoint = PyTorchCheckpoint.Load(CheckpointFixtures.PathOf("state_legacy.pt"));
        var root = (OrderedDictionary<object, object?>)checkpoint.Root!;

        // By reference: TorchSharp's Tensor.Equals compares values (torch.equal), and NaN is never equal to itself.
        Assert.HasCount(root.Count, checkpoint.Tensors);
        Assert.IsTrue(root.Values.Zip(checkpoint.Tensors).All(pair => ReferenceEquals(pair.First, pair.Second)), "the graph holds the very tensors of Tensors, in order");
    }

    [TestMethod]
    public void Dispose_Checkpoint_StateDictHandlesStayValid()
    {
        var checkpoint = PyTorchCheckpoint.Load(CheckpointFixtures.PathOf("state_zip.pt"));
        var state = checkpoint.StateDict();
        checkpoint.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => checkpoint.StateDict());
        state.UseThenDispose(s => CheckpointFixtures.AssertStateMatches("state", s));
    }

    [TestMethod]
    public void ReadStateDict_InsideACallersScope_TensorsAreNotOwnedByThatScope()
    {
        OrderedDictionary<string, Tensor> state;
        using (var scope = torch.NewDisposeScope())
        {
            state = PyTorchCheckpoint.ReadStateDict(CheckpointFixtures.PathOf("state_zip.pt"));
            Assert.AreEqual(0, scope.DisposablesCount, "the reader's temporaries are its own; the results are the caller's");
        }

        state.UseThenDispose(s => Assert.IsTrue(s.Values.All(t => !t.IsInvalid), "closing the caller's scope leaves the results alive"));
    }
}
