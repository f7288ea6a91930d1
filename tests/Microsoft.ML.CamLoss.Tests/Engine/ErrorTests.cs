using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>
/// Bad shapes, dtypes and devices given to our public API end in one-line .NET exceptions (an
/// <see cref="ArgumentException"/> from our checks, or a <see cref="TorchException"/> carrying libtorch's
/// first line, never TorchSharp's <see cref="System.Runtime.InteropServices.ExternalException"/> with its C++ backtrace); the process
/// carries on and the next call works. (TorchSharp's own <c>matmul</c> would abort the process on a shape
/// error; <see cref="AbortGuardTests"/> shows our code never calls it.)
/// </summary>
[TestClass]
public sealed class ErrorTests
{
    private const int Classes = 10;

    [TestMethod]
    public void BackboneForward_WrongChannels_ThrowsOneLineArgumentExceptionAndTheNextCallWorks()
    {
        using var network = Network();
        using var scope = torch.NewDisposeScope();

        var error = AssertOneLine<ArgumentException>(() => network.forward(torch.zeros(2, 4, 32, 32)));

        StringAssert.Contains(error.Message, "[2, 4, 32, 32]");
        AssertForwardWorks(network);
    }

    [TestMethod]
    public void BackboneForward_NotABatchOfImages_ThrowsOneLineArgumentException()
    {
        using var network = Network();
        using var scope = torch.NewDisposeScope();

        var error = AssertOneLine<ArgumentException>(() => network.forward(torch.zeros(3, 32, 32)));

        StringAssert.Contains(error.Message, "[3, 32, 32]");
        AssertForwardWorks(network);
    }

    [TestMethod]
    public void BackboneForward_Float64InputOnFloat32Network_ThrowsOneLineArgumentExceptionNamingBoth()
    {
        using var network = Network();
        using var scope = torch.NewDisposeScope();

        var error = AssertOneLine<ArgumentException>(() => network.forward(torch.zeros(2, 3, 32, 32, ScalarType.Float64)));

        StringAssert.Contains(error.Message, "Float64");
        StringAssert.Contains(error.Message, "Float32");
        AssertForwardWorks(network);
    }

    [TestMethod]
    public void Cam_ClassifierWeightOfOtherFeatureSize_ThrowsOneLineArgumentExceptionBeforeTheBatchedProduct()
    {
        // The classifier weight [C, K'] against features [B, K, H, W]: what a linear layer's and the
        // batched CAM product's shape errors would be, caught by our checks.
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = LossInputs();

        var error = AssertOneLine<ArgumentException>(() => ActivationMaps.Cam(features, torch.randn(Classes, 7), labels));

        StringAssert.Contains(error.Message, "[10, 7]");
        Assert.AreEqual("classifierWeight", error.ParamName);
        AssertCamWorks(features, weight, labels);
    }

    [TestMethod]
    public void CamLossCompute_LogitsOfOtherClassCount_ThrowsOneLineArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = LossInputs();
        var loss = new CamLossFunction();

        var error = AssertOneLine<ArgumentException>(() => loss.Compute(features, weight, torch.randn(2, Classes + 1), labels, alpha: 1));

        Assert.AreEqual("logits", error.ParamName);
        var result = loss.Compute(features, weight, torch.randn(2, Classes), labels, alpha: 1);
        Assert.IsTrue(double.IsFinite(result.Total.item<float>()), "the next call works");
    }

    [TestMethod]
    public void CamLossCamTerm_MismatchedClassifierWeight_ThrowsOneLineArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = LossInputs();
        var loss = new CamLossFunction();

        AssertOneLine<ArgumentException>(() => loss.CamTerm(features, torch.randn(Classes, 9), labels));

        Assert.IsTrue(double.IsFinite(loss.CamTerm(features, weight, labels).item<float>()), "the next call works");
    }

    [TestMethod]
    public void Cam_Float64FeaturesWithFloat32Weight_ThrowsOneLineError()
    {
        // A dtype mismatch inside the batched product: caught up front (ArgumentException) or turned
        // into a TorchException with libtorch's first line; either way one line, and the process survives.
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = LossInputs();

        var error = AssertOneLineError(() => ActivationMaps.Cam(features.to(ScalarType.Float64), weight, labels));

        StringAssert.Matches(error.Message, new System.Text.RegularExpressions.Regex("(?i)float|double"));
        AssertCamWorks(features, weight, labels);
    }

    [TestMethod]
    public void Cam_Int32Labels_ThrowsOneLineArgumentExceptionNamingInt64()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = LossInputs();

        var error = AssertOneLine<ArgumentException>(() => ActivationMaps.Cam(features, weight, labels.to(ScalarType.Int32)));

        StringAssert.Contains(error.Message, "int64");
        AssertCamWorks(features, weight, labels);
    }

    [TestMethod]
    public void CamLossCompute_LabelOutOfRange_ThrowsOneLineErrorAndTheNextCallWorks()
    {
        // Label values are not checked up front (that would synchronise with the device every step);
        // libtorch's index error must still reach the user as one line.
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = LossInputs();
        var loss = new CamLossFunction();

        var error = AssertOneLineError(() => loss.Compute(features, weight, torch.randn(2, Classes), torch.tensor(new long[] { 0, 99 }), alpha: 1).Total.item<float>());

        StringAssert.Contains(error.Message, "99");
        Assert.IsTrue(double.IsFinite(loss.Compute(features, weight, torch.randn(2, Classes), labels, alpha: 1).Total.item<float>()), "the next call works");
    }

    [TestMethod]
    public void TrainerFit_CudaOnTheCpuBackend_ThrowsTorchDeviceUnavailableInOneLine()
    {
        if (torch.cuda.is_available())
        {
            Assert.Inconclusive("CUDA is available here; this test checks the CPU-only backend.");
        }

        var data = ImageDataset.FromEnumerable(
        [
            new ImageRow { ImagePath = FixtureImage("rgb.jpg"), Label = "a" },
            new ImageRow { ImagePath = FixtureImage("rgb.jpg"), Label = "b" },
        ]);
        var trainer = new CrossEntropyImageClassificationTrainer(new()
        {
            Architecture = Architecture.ResNet8, Epochs = 1, BatchSize = 2, Device = TrainingDevice.Cuda, Seed = 1,
        });

        var error = AssertOneLine<TorchDeviceUnavailableException>(() => trainer.Fit(data));

        StringAssert.Contains(error.Message, "Cuda");
        using var network = Network();
        using var scope = torch.NewDisposeScope();
        AssertForwardWorks(network);
    }

    [TestMethod]
    public void TorchErrors_LinearShapeMismatch_BecomesOneLineTorchExceptionAndTheNextCallWorks()
    {
        // The translation every public entry point uses (TorchErrors.Run), on a linear layer fed the wrong width.
        using var scope = torch.NewDisposeScope();
        using var linear = nn.Linear(8, 4);

        var error = AssertOneLineError(() => TorchErrors.Run(() => linear.forward(torch.zeros(2, 5)), "Linear head"));

        Assert.IsInstanceOfType<TorchException>(error);
        StringAssert.StartsWith(error.Message, "Linear head: ");
        StringAssert.Contains(error.Message, "2x5");
        CollectionAssert.AreEqual(new long[] { 2, 4 }, linear.forward(torch.zeros(2, 8)).shape, "the next call works");
    }

    /// <summary>
    /// Runs <paramref name="action"/> and requires exactly a <typeparamref name="TException"/> whose message is one line
    /// without a C++ backtrace.
    /// </summary>
    internal static TException AssertOneLine<TException>(Action action)
        where TException : Exception
    {
        var error = Assert.ThrowsExactly<TException>(action);
        AssertNoBacktrace(error);
        return error;
    }

    /// <summary>Runs <paramref name="action"/> and requires an <see cref="ArgumentException"/> or <see cref="TorchException"/> with a one-line message.</summary>
    internal static Exception AssertOneLineError(Action action)
    {
        try
        {
            action();
        }
        catch (Exception error) when (error is ArgumentException or TorchException)
        {
            AssertNoBacktrace(error);
            if (error is TorchException)
            {
                Assert.IsInstanceOfType<System.Runtime.InteropServices.ExternalException>(error.InnerException, "a TorchException keeps TorchSharp's exception as its inner exception");
            }

            return error;
        }
        catch (Exception error)
        {
            Assert.Fail($"Expected ArgumentException or TorchException, got {error.GetType().FullName}: {error.Message}");
        }

        Assert.Fail("No exception was thrown.");
        return null!;
    }

    private static void AssertNoBacktrace(Exception error)
    {
        Assert.IsFalse(error.Message.Contains('\n'), $"{error.GetType().Name}: the message must be one line:\n{error.Message}");
        Assert.IsFalse(error.Message.Contains("frame #", StringComparison.Ordinal), "no C++ frames in the message");
        Assert.IsFalse(error.Message.Contains("Exception raised from", StringComparison.Ordinal), "no C++ backtrace in the message");
    }

    private static Backbone Network()
    {
        torch.manual_seed(1);
        return Backbones.Create(Architecture.ResNet8, Classes);
    }

    private static void AssertForwardWorks(Backbone network)
    {
        using var output = network.forward(torch.randn(2, 3, 32, 32));
        CollectionAssert.AreEqual(new long[] { 2, Classes }, output.Logits.shape, "the next forward pass works");
    }

    private static (Tensor Features, Tensor Weight, Tensor Labels) LossInputs()
    {
        torch.manual_seed(2);
        return (torch.rand(2, 8, 4, 4), torch.randn(Classes, 8), torch.tensor(new long[] { 3, 7 }));
    }

    private static void AssertCamWorks(Tensor features, Tensor weight, Tensor labels) =>
        CollectionAssert.AreEqual(new long[] { 2, 4, 4 }, ActivationMaps.Cam(features, weight, labels).shape, "the next call works");

    private static string FixtureImage(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "images", name);
}
