using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Models;

[TestClass]
public sealed class BackboneTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(Architecture.ResNet20, 269_722L, 64L, 8L, 32L, 16L)]
    [DataRow(Architecture.ResNet56, 853_018L, 64L, 8L, 32L, 16L)]
    [DataRow(Architecture.WideResNet16x2, 691_674L, 128L, 8L, 64L, 16L)]
    public void Forward_CifarInput_GivesLogitsAndTapsOfThePaperShapes(Architecture architecture, long parameters, long lastChannels, long lastSize, long innerChannels, long innerSize)
    {
        using var scope = torch.NewDisposeScope();
        using var model = Backbones.Create(architecture, 10);
        Assert.AreEqual(parameters, model.parameters().Sum(p => p.numel()), "parameter count");
        using var output = model.forward(torch.randn([2, 3, 32, 32]));
        CollectionAssert.AreEqual(new long[] { 2, 10 }, output.Logits.shape);
        CollectionAssert.AreEqual(new[] { 2, lastChannels, lastSize, lastSize }, output.Last.shape);
        CollectionAssert.AreEqual(new[] { 2, innerChannels, innerSize, innerSize }, output.Inner.shape);
        Assert.AreSame(output.Last, output.Tap(BackboneOutput.LastTap));
        Assert.IsTrue(output.Last.amin().item<float>() >= 0, "the last tap is taken after the final ReLU");
    }

    [TestMethod]
    [DataRow(Architecture.ResNet20, 10, 269_722L)]
    [DataRow(Architecture.ResNet56, 10, 853_018L)]
    [DataRow(Architecture.WideResNet28x10, 10, 36_479_194L)]
    [DataRow(Architecture.ResNet50, 1000, 25_557_032L)]
    public void ParameterCount_EqualsThePublishedOne(Architecture architecture, int classes, long expected)
    {
        // Published: ResNet-20 0.27M, ResNet-56 0.85M (He et al. 2016), WRN-28-10 36.5M
        // (Zagoruyko & Komodakis 2016), ResNet-50 25.56M (torchvision).
        using var model = Backbones.Create(architecture, classes);
        Assert.AreEqual(expected, model.parameters().Sum(p => p.numel()));
    }

    [TestMethod]
    public void Logits_EqualHeadAppliedToGlobalAveragePooledLastTap()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new CifarResNet(20);
        model.eval();
        using var output = model.forward(torch.randn([3, 3, 32, 32]));
        var pooled = output.Last.mean([2, 3]);
        var expected = nn.functional.linear(pooled, model.Classifier.weight, model.Classifier.bias);
        TensorAssert.Close(expected, output.Logits, 1e-5, 1e-5, "z = W·GAP(F) + b");
    }

    [TestMethod]
    public void StateDict_CifarResNet_HasPyTorchKeysInPyTorchOrder()
    {
        // PyTorch orders a state dict per module, depth first: its parameters, then its buffers.
        using var model = new CifarResNet(8);
        var keys = model.state_dict().Keys.ToArray();
        CollectionAssert.AreEqual(
            new[]
            {
                "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
                "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias", "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var",
                "layer1.0.bn1.num_batches_tracked", "layer1.0.conv2.weight",
            },
            keys[..13]);
        CollectionAssert.AreEqual(new[] { "linear.weight", "linear.bias" }, keys[^2..]);
        Assert.AreEqual(model.parameters().Count() + model.buffers().Count(), keys.Length, "every parameter and buffer, once");
    }

    [TestMethod]
    public void CifarResNet_OptionB_ProjectsWithConvolutionAndBatchNorm()
    {
        using var scope = torch.NewDisposeScope();
        using var a = new CifarResNet(20);
        using var b = new CifarResNet(20, shortcut: ShortcutKind.B);
        Assert.IsFalse(a.state_dict().Keys.Any(k => k.Contains("shortcut")), "option A has no parameters");
        CollectionAssert.IsSubsetOf(new[] { "layer2.0.shortcut.0.weight", "layer2.0.shortcut.1.running_var", "layer3.0.shortcut.0.weight" }, b.state_dict().Keys.ToArray());
        using var output = b.forward(torch.randn([1, 3, 32, 32]));
        CollectionAssert.AreEqual(new long[] { 1, 64, 8, 8 }, output.Last.shape);
    }

    [TestMethod]
    public void ReplaceClassifier_NewClassCount_KeepsBackboneNamesAndOrder()
    {
        using var scope = torch.NewDisposeScope();
        using var model = Backbones.Create(Architecture.ResNet18, 1000);
        var keys = model.state_dict().Keys.ToArray();
        var conv = model.state_dict()["layer1.0.conv1.weight"].clone();
        var oldHead = model.Classifier;
        model.eval();

        model.ReplaceClassifier(200);

        Assert.AreEqual(200L, model.NumClasses);
        Assert.AreEqual(512L, model.FeatureChannels);
        CollectionAssert.AreEqual(keys, model.state_dict().Keys.ToArray(), "same keys, same order");
        CollectionAssert.AreEqual(new long[] { 200, 512 }, model.state_dict()["fc.weight"].shape);
        TensorAssert.Equal(conv, model.state_dict()["layer1.0.conv1.weight"], "the backbone is untouched");
        Assert.IsTrue(model.parameters().Any(p => ReferenceEquals(p, model.Classifier.weight)), "an optimiser built afterwards sees the new head");
        Assert.IsFalse(model.Classifier.training, "the new head takes the network's mode");
        Assert.IsTrue(oldHead.weight.IsInvalid, "the old head is disposed");
        using var output = model.forward(torch.randn([1, 3, 64, 64]));
        CollectionAssert.AreEqual(new long[] { 1, 200 }, output.Logits.shape);
    }

    [TestMethod]
    public void ConstructorAndReplaceClassifier_InsideDisposeScope_NetworkOutlivesTheScope()
    {
        Backbone model;
        using (var scope = torch.NewDisposeScope())
        {
            model = new CifarResNet(8);
            model.ReplaceClassifier(3);
        }

        using (model)
        using (var scope = torch.NewDisposeScope())
        {
            Assert.IsTrue(model.parameters().All(p => !p.IsInvalid) && model.buffers().All(b => !b.IsInvalid), "parameters and buffers survive the scope");
            using var output = model.forward(torch.randn([2, 3, 16, 16]));
            CollectionAssert.AreEqual(new long[] { 2, 3 }, output.Logits.shape);
        }
    }

    [TestMethod]
    public void WideResNet_Dropout_ActiveOnlyInTraining()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new WideResNet(16, 2, dropout: 0.3);
        var x = torch.randn([2, 3, 32, 32]);
        using (var first = model.forward(x))
        using (var second = model.forward(x))
        {
            Assert.IsFalse(first.Logits.allclose(second.Logits, rtol: 0, atol: 0), "training draws a new dropout mask each time");
        }

        model.eval();
        using (var first = model.forward(x))
        using (var second = model.forward(x))
        {
            Assert.IsTrue(first.Logits.allclose(second.Logits, rtol: 0, atol: 0), "evaluation is deterministic");
        }

        Assert.ThrowsExactly<ArgumentException>(() => new WideResNet(15, 2));
        Assert.ThrowsExactly<ArgumentException>(() => new CifarResNet(21));
    }

    [TestMethod]
    [DataRow(new long[] { 3, 32, 32 }, "[3, 32, 32]")]
    [DataRow(new long[] { 2, 1, 32, 32 }, "[2, 1, 32, 32]")]
    [DataRow(new long[] { 2, 3, 0, 32 }, "[2, 3, 0, 32]")]
    public void Forward_InputOfWrongShape_ThrowsArgumentExceptionNamingShapes(long[] shape, string described)
    {
        using var scope = torch.NewDisposeScope();
        using var model = new CifarResNet(8);
        var error = Assert.ThrowsExactly<ArgumentException>(() => model.forward(torch.zeros(shape)));
        StringAssert.Contains(error.Message, described);
        StringAssert.Contains(error.Message, "[B, 3, H, W]");
    }

    [TestMethod]
    public void Forward_Uint8Input_ThrowsArgumentExceptionNamingBothTypes()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new CifarResNet(8);
        var error = Assert.ThrowsExactly<ArgumentException>(() => model.forward(torch.zeros([1, 3, 8, 8], ScalarType.Byte)));
        StringAssert.Contains(error.Message, "Float32");
        StringAssert.Contains(error.Message, "Byte");
    }

    [TestMethod]
    public void Forward_TrainingBatchOfOneWithOnePixelLastMap_ThrowsBeforeTouchingBatchNorm()
    {
        // ResNet-18 halves a 32×32 input five times: layer4 is 1×1, so with one image each of its BatchNorms
        // would normalise a single value per channel (PyTorch refuses this too; the variance would be NaN).
        using var scope = torch.NewDisposeScope();
        using var model = Backbones.Create(Architecture.ResNet18, 10);
        var input = torch.randn([1, 3, 32, 32]);

        var error = Assert.ThrowsExactly<ArgumentException>(() => model.forward(input));

        StringAssert.Contains(error.Message, "more than one value per channel");
        StringAssert.Contains(error.Message, "1×1 last feature map");
        Assert.AreEqual(0L, model.state_dict()["layer4.1.bn2.num_batches_tracked"].item<long>(), "nothing ran");
        using (model.forward(torch.randn([2, 3, 32, 32])))
        {
        }

        model.eval();
        using var output = model.forward(input);
        Assert.IsTrue(output.Logits.isfinite().all().item<bool>(), "evaluation uses the running statistics: any batch works");
    }

    [TestMethod]
    public void Forward_LibTorchFailure_IsOneLineTorchException()
    {
        // A sparse tensor passes the shape, dtype and device checks, but libtorch has no sparse convolution.
        using var scope = torch.NewDisposeScope();
        using var model = new CifarResNet(8);
        var error = Assert.ThrowsExactly<TorchException>(() => model.forward(torch.zeros([1, 3, 8, 8]).to_sparse()));
        TestContext.WriteLine(error.Message);
        StringAssert.StartsWith(error.Message, "CifarResNet forward pass: ");
        Assert.IsFalse(error.Message.Contains('\n'), error.Message);
        Assert.IsNotNull(error.InnerException, "libtorch's full text is kept");
    }

    [TestMethod]
    public void Forward_InsideScope_ReleasesEveryIntermediate()
    {
        using var model = new CifarResNet(8);
        using var input = torch.randn([2, 3, 16, 16]);
        var before = Tensor.TotalCount;
        using (var output = model.forward(input))
        {
            Assert.AreEqual(before + 3, Tensor.TotalCount, "only logits, last and inner outlive the call");
        }

        Assert.AreEqual(before, Tensor.TotalCount);
    }
}
