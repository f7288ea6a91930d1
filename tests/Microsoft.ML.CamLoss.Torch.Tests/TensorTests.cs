using System.Runtime.InteropServices;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Torch.Tests;

[TestClass]
public sealed class TensorTests
{
    [TestMethod]
    public void FromSpan_EveryManagedElementType_RoundTripsExactly()
    {
        using var scope = new TensorScope();
        RoundTrip(new[] { 1.5f, -2.25f, float.MaxValue, float.Epsilon }, ScalarType.Float32);
        RoundTrip(new[] { Math.PI, -1e300 }, ScalarType.Float64);
        RoundTrip(new[] { (Half)0.5, (Half)(-3) }, ScalarType.Float16);
        RoundTrip(new[] { long.MaxValue, long.MinValue, 0L }, ScalarType.Int64);
        RoundTrip(new[] { int.MinValue, 7 }, ScalarType.Int32);
        RoundTrip(new byte[] { 0, 255, 17 }, ScalarType.UInt8);
        RoundTrip(new[] { true, false, true }, ScalarType.Bool);
    }

    [TestMethod]
    public void To_BFloat16AndBack_KeepsValuesRepresentableInBFloat16()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(1f, -2f, 0.5f, 3f);
        var bf = x.To(ScalarType.BFloat16);
        Assert.AreEqual(ScalarType.BFloat16, bf.DType);
        CollectionAssert.AreEqual(new[] { 1f, -2f, 0.5f, 3f }, bf.To(ScalarType.Float32).ToArray<float>());
    }

    [TestMethod]
    public void FromSpan_LengthDisagreesWithShape_ThrowsArgumentExceptionWithSizes()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => Tensor.FromSpan<float>(new float[5], [2, 3]));
        StringAssert.Contains(ex.Message, "20 bytes");
        StringAssert.Contains(ex.Message, "24");
    }

    [TestMethod]
    public void Creation_FillsShapesAndValues()
    {
        using var scope = new TensorScope();
        var full = Tensor.Full([2, 3], 2.5, ScalarType.Float64);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, full.Shape);
        Assert.AreEqual(15.0, full.Sum().ToDouble());
        CollectionAssert.AreEqual(new long[] { 0, 2, 4 }, Tensor.Arange(0, 5, 2).ToArray<long>());
        Assert.AreEqual(0.0, Tensor.Zeros([4]).Sum().ToDouble());
        Assert.AreEqual(Device.Cpu, Tensor.Ones([1]).Device);
        var r = Tensor.RandInt(3, 5, [100]);
        Assert.IsTrue(r.ToArray<long>().All(v => v is >= 3 and < 5));
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 6).Select(i => (long)i).ToArray(), Tensor.RandPerm(6).ToArray<long>());
    }

    [TestMethod]
    public void ShapeOps_ProduceTorchLayouts()
    {
        using var scope = new TensorScope();
        var x = Tensor.Arange(0, 24, dtype: ScalarType.Float32).View(2, 3, 4);
        CollectionAssert.AreEqual(new long[] { 4, 3, 2 }, x.Permute(2, 1, 0).Shape);
        CollectionAssert.AreEqual(new long[] { 2, 12 }, x.Flatten(1).Shape);
        CollectionAssert.AreEqual(new long[] { 2, 1, 3, 4 }, x.Unsqueeze(1).Shape);
        CollectionAssert.AreEqual(new long[] { 2, 3, 4 }, x.Unsqueeze(1).Squeeze(1).Shape);
        CollectionAssert.AreEqual(new long[] { 3, 2, 4 }, x.Transpose(0, 1).Contiguous().Shape);
        Assert.IsFalse(x.Transpose(0, 1).IsContiguous);
        CollectionAssert.AreEqual(new long[] { 4, 12, 1 }, x.Transpose(0, 1).Strides);
        CollectionAssert.AreEqual(new float[] { 4, 5, 6, 7 }, x.Select(0, 0).Narrow(0, 1, 1).Reshape(-1).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 1, 3 }, x.Select(0, 0).Select(0, 0).Slice(0, 1, 4, 2).ToArray<float>());
        CollectionAssert.AreEqual(new long[] { 4, 3, 4 }, Tensor.Cat([x, x], 0).Shape);
        CollectionAssert.AreEqual(new long[] { 2, 2, 3, 4 }, Tensor.Stack([x, x], 0).Shape);
        CollectionAssert.AreEqual(new long[] { 5, 3 }, Tensor.Ones([1, 3]).Expand(5, -1).Shape);
        var picked = x.Select(0, 1).IndexSelect(1, Tensor.FromArray(3L, 0L));
        CollectionAssert.AreEqual(new float[] { 15, 12, 19, 16, 23, 20 }, picked.ToArray<float>());
        var gathered = Tensor.FromSpan<float>([10, 11, 12, 20, 21, 22], [2, 3]).Gather(1, Tensor.FromSpan<long>([2, 0], [2, 1]));
        CollectionAssert.AreEqual(new float[] { 12, 20 }, gathered.ToArray<float>());
    }

    [TestMethod]
    public void Operators_FollowPyTorchBroadcastingAndTypePromotion()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromSpan<float>([1, 2, 3, 4], [2, 2]);
        var b = Tensor.FromArray(10f, 20f);
        CollectionAssert.AreEqual(new float[] { 11, 22, 13, 24 }, (a + b).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { -9, -18, -7, -16 }, (a - b).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 0.5f, 1, 1.5f, 2 }, (a / 2).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 2, 1, 2f / 3, 0.5f }, (2 / a).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 0, -1, -2, -3 }, (1 - a).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 7, 10, 15, 22 }, a.MatMul(a).ToArray<float>());
        var counter = Tensor.Zeros([], ScalarType.Int64).AddInPlace(1);
        Assert.AreEqual(ScalarType.Int64, counter.DType, "an integral scalar keeps an int64 tensor int64, as in PyTorch");
        Assert.AreEqual(ScalarType.Float32, (Tensor.FromArray(1L, 2L) * 0.5).DType, "a fractional scalar promotes to float");
        CollectionAssert.AreEqual(new[] { false, true, true, true }, a.Gt(1).ToArray<bool>());
        CollectionAssert.AreEqual(new float[] { 1.5f, 2, 3, 3.5f }, a.Clamp(1.5, 3.5).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 1, 0, 3, 0 }, Tensor.Where(a.Remainder(2).Eq(1), a, Tensor.Zeros([1])).ToArray<float>());
    }

    [TestMethod]
    public void Reductions_OverDimsAndAll()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromSpan<float>([1, 5, 3, 4, 2, 6], [2, 3]);
        Assert.AreEqual(21.0, x.Sum().ToDouble());
        CollectionAssert.AreEqual(new float[] { 9, 12 }, x.Sum(1).ToArray<float>());
        CollectionAssert.AreEqual(new long[] { 2, 1 }, x.Mean([1], keepDim: true).Shape);
        CollectionAssert.AreEqual(new float[] { 1, 2 }, x.AMin([1]).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 4, 5, 6 }, x.AMax([0]).ToArray<float>());
        CollectionAssert.AreEqual(new long[] { 1, 2 }, x.ArgMax(1).ToArray<long>());
        Assert.AreEqual(5L, x.ArgMax().ToInt64());
        var (values, indices) = x.TopK(2, 1);
        CollectionAssert.AreEqual(new float[] { 5, 3, 6, 4 }, values.ToArray<float>());
        CollectionAssert.AreEqual(new long[] { 1, 2, 2, 0 }, indices.ToArray<long>());
        Assert.AreEqual(3.5, x.Var().ToDouble(), 1e-6);
        Assert.AreEqual(720.0, x.Prod().ToDouble());
    }

    [TestMethod]
    public void Autograd_BackwardAccumulatesAndNoGradStopsRecording()
    {
        using var scope = new TensorScope();
        var w = Tensor.FromArray(1f, 2f, 3f).RequiresGradInPlace();
        (w * w).Sum().Backward();
        CollectionAssert.AreEqual(new float[] { 2, 4, 6 }, w.Grad!.ToArray<float>());
        (w * 3).Sum().Backward();
        CollectionAssert.AreEqual(new float[] { 5, 7, 9 }, w.Grad!.ToArray<float>(), "gradients accumulate");
        w.ClearGrad();
        Assert.IsNull(w.Grad);
        using (Autograd.NoGrad())
        {
            Assert.IsFalse((w * 2).RequiresGrad);
            Assert.IsFalse(Autograd.IsGradEnabled);
        }

        Assert.IsTrue(Autograd.IsGradEnabled, "the no-grad scope restores grad mode");
        Assert.IsFalse(w.Detach().RequiresGrad);
        Assert.IsTrue(w.IsLeaf);
        Assert.IsFalse((w * 2).IsLeaf);
    }

    [TestMethod]
    public void AutogradGrad_UnusedInput_ReturnsNullWhenAllowed()
    {
        using var scope = new TensorScope();
        var a = Tensor.Ones([2], requiresGrad: true);
        var b = Tensor.Ones([2], requiresGrad: true);
        var grads = Autograd.Grad([(a * 3).Sum()], [a, b], allowUnused: true);
        CollectionAssert.AreEqual(new float[] { 3, 3 }, grads[0]!.ToArray<float>());
        Assert.IsNull(grads[1]);
        Assert.ThrowsExactly<TorchException>(() => Autograd.Grad([(a * 3).Sum()], [b]));
    }

    [TestMethod]
    public void Torch_ThreadsAndVersions_AreReported()
    {
        Assert.AreEqual(Environment.ProcessorCount, TorchRuntime.NumThreads, "defaults to the machine's cores");
        TorchRuntime.NumThreads = 1;
        Assert.AreEqual(1, TorchRuntime.NumThreads);
        TorchRuntime.NumThreads = Environment.ProcessorCount;
        StringAssert.StartsWith(TorchRuntime.TorchVersion, TorchRuntime.TorchVersion.Split('.')[0] + ".");
        Assert.IsFalse(string.IsNullOrEmpty(TorchRuntime.OpenCvVersion));
        Assert.AreEqual(Device.Cuda(1), Device.Parse("CUDA:1"));
        Assert.AreEqual("cpu", Device.Parse("cpu").ToString());
        Assert.ThrowsExactly<FormatException>(() => Device.Parse("gpu"));
    }

    [TestMethod]
    public void Torch_ThreadCount_SurvivesLaterEntryPointBinding()
    {
        // The runtime calls the library resolver again whenever a P/Invoke entry point binds for the
        // first time; that must not put the thread count back to the default.
        var assembly = typeof(TorchRuntime).Assembly;
        var resolve = assembly.GetType("Microsoft.ML.CamLoss.Torch.Interop.NativeLibraryResolver")!
            .GetMethod("Resolve", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        try
        {
            TorchRuntime.NumThreads = 1;
            var handle = (IntPtr)resolve.Invoke(null, ["camloss_native", assembly, null])!;
            Assert.AreNotEqual(IntPtr.Zero, handle);
            Assert.AreEqual(1, TorchRuntime.NumThreads, "binding another entry point reset the thread count");
        }
        finally
        {
            TorchRuntime.NumThreads = Environment.ProcessorCount;
        }
    }

    [TestMethod]
    public void FromBytesAndAsStrided_RebuildViewsThatShareOneStorage()
    {
        using var scope = new TensorScope();
        var bytes = MemoryMarshal.AsBytes<float>([0, 1, 2, 3, 4, 5]).ToArray();
        var storage = Tensor.FromBytes(bytes, [6], ScalarType.Float32);
        var transposed = storage.AsStrided([3, 2], [1, 3]);
        var tail = storage.AsStrided([2], [1], storageOffset: 4);
        CollectionAssert.AreEqual(new float[] { 0, 3, 1, 4, 2, 5 }, transposed.ToArray<float>());
        tail.Fill(9);
        CollectionAssert.AreEqual(new float[] { 0, 3, 1, 9, 2, 9 }, transposed.ToArray<float>(), "views share the storage");
        var bf16 = Tensor.FromBytes([0x80, 0x3f, 0x00, 0xc0], [2], ScalarType.BFloat16);
        CollectionAssert.AreEqual(new float[] { 1, -2 }, bf16.To(ScalarType.Float32).ToArray<float>());
        Assert.ThrowsExactly<ArgumentException>(() => storage.AsStrided([2, 2], [1]));
    }

    private static void RoundTrip<T>(T[] values, ScalarType expected)
        where T : unmanaged
    {
        var t = Tensor.FromSpan<T>(values, [values.Length]);
        Assert.AreEqual(expected, t.DType);
        CollectionAssert.AreEqual(values, t.ToArray<T>(), typeof(T).Name);
    }
}
