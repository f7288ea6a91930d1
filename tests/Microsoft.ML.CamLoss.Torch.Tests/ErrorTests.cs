using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Torch.Tests;

/// <summary>libtorch errors arrive as typed .NET exceptions with libtorch's explanation, and the process carries on.</summary>
[TestClass]
public sealed class ErrorTests
{
    [TestMethod]
    public void Conv2d_WrongInputChannels_ThrowsTorchExceptionNamingTheShapes()
    {
        using var scope = new TensorScope();
        using var conv = new Conv2d(3, 8, 3);
        var ex = Assert.ThrowsExactly<TorchException>(() => conv.Forward(Tensor.Zeros([2, 4, 8, 8])));
        StringAssert.Contains(ex.Message, "expected input[2, 4, 8, 8] to have 3 channels, but got 4 channels instead");
        AssertNextCallWorks();
    }

    [TestMethod]
    public void MatMul_FloatWithDouble_ThrowsTorchExceptionNamingTheDtypes()
    {
        using var scope = new TensorScope();
        var ex = Assert.ThrowsExactly<TorchException>(() => Tensor.Ones([2, 3]).MatMul(Tensor.Ones([3, 2], ScalarType.Float64)));
        StringAssert.Contains(ex.Message, "expected");
        StringAssert.Matches(ex.Message, new System.Text.RegularExpressions.Regex("(Float|float).*(Double|double)|(Double|double).*(Float|float)"));
        AssertNextCallWorks();
    }

    [TestMethod]
    public void Select_IndexOutOfRange_ThrowsTorchIndexException()
    {
        using var scope = new TensorScope();
        var ex = Assert.ThrowsExactly<TorchIndexException>(() => Tensor.Zeros([3, 4]).Select(0, 10));
        StringAssert.Contains(ex.Message, "index 10 out of range for tensor of size [3, 4] at dimension 0");
        AssertNextCallWorks();
    }

    [TestMethod]
    public void IndexSelect_IndexOutOfRange_ThrowsTorchExceptionWithLibtorchMessage()
    {
        using var scope = new TensorScope();
        var ex = Assert.Throws<TorchException>(() => Tensor.Zeros([3, 4]).IndexSelect(1, Tensor.FromArray(0L, 7L)));
        StringAssert.Contains(ex.Message, "INDICES element is out of DATA bounds, id=7 axis_dim=4");
        AssertNextCallWorks();
    }

    [TestMethod]
    public void To_CudaOnCpuBuild_ThrowsDeviceUnavailableWithExplanation()
    {
        if (TorchRuntime.IsCudaAvailable)
        {
            Assert.Inconclusive("CUDA is available here; this test checks the CPU-only build.");
        }

        using var scope = new TensorScope();
        var ex = Assert.ThrowsExactly<TorchDeviceUnavailableException>(() => Tensor.Ones([2]).To(Device.Cuda()));
        StringAssert.Contains(ex.Message, "torch::cuda::is_available() is false");
        Assert.ThrowsExactly<TorchDeviceUnavailableException>(() => Tensor.Zeros([2], device: Device.Cuda()));
        using var model = new SmallCnn();
        Assert.ThrowsExactly<TorchDeviceUnavailableException>(() => model.To(Device.Cuda()));
        AssertNextCallWorks();
    }

    [TestMethod]
    public void CopyTo_WrongElementType_ThrowsArgumentExceptionSayingWhatToDo()
    {
        using var t = Tensor.Ones([2]);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => t.ToArray<double>());
        StringAssert.Contains(ex.Message, "To(ScalarType.Float64)");
    }

    [TestMethod]
    public void UseAfterDispose_ThrowsObjectDisposedException()
    {
        var t = Tensor.Ones([2]);
        t.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => t.Sum());
    }

    [TestMethod]
    public void Backward_NonScalarWithoutGradient_ThrowsTorchException()
    {
        using var scope = new TensorScope();
        var x = Tensor.Ones([3], requiresGrad: true);
        var ex = Assert.ThrowsExactly<TorchException>(() => (x * 2).Backward());
        StringAssert.Contains(ex.Message, "grad can be implicitly created only for scalar outputs");
        AssertNextCallWorks();
    }

    private static void AssertNextCallWorks()
    {
        using var scope = new TensorScope();
        Assert.AreEqual(6.0, (Tensor.Ones([2, 3]) * 1).Sum().ToDouble());
    }
}
