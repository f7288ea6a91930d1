using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Models;

[TestClass]
public sealed class BackboneTests
{
    [TestMethod]
    [DataRow(Architecture.ResNet20, 269_722L, 64L, 8L, 32L, 16L)]
    [DataRow(Architecture.ResNet56, 853_018L, 64L, 8L, 32L, 16L)]
    [DataRow(Architecture.WideResNet16x2, 691_674L, 128L, 8L, 64L, 16L)]
    public void Forward_CifarInput_GivesLogitsAndTapsOfThePaperShapes(Architecture architecture, long parameters, long lastChannels, long lastSize, long innerChannels, long innerSize)
    {
        using var scope = new TensorScope();
        using var model = Backbones.Create(architecture, 10);
        Assert.AreEqual(parameters, model.Parameters().Sum(p => p.NumberOfElements), "parameter count");
        using var output = model.Forward(Tensor.Randn([2, 3, 32, 32]));
        CollectionAssert.AreEqual(new long[] { 2, 10 }, output.Logits.Shape);
        CollectionAssert.AreEqual(new[] { 2, lastChannels, lastSize, lastSize }, output.Last.Shape);
        CollectionAssert.AreEqual(new[] { 2, innerChannels, innerSize, innerSize }, output.Inner.Shape);
        Assert.AreSame(output.Last, output.Tap(BackboneOutput.LastTap));
        Assert.IsTrue(output.Last.AMin().ToDouble() >= 0, "the last tap is taken after the final ReLU");
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
        Assert.AreEqual(expected, model.Parameters().Sum(p => p.NumberOfElements));
    }

    [TestMethod]
    public void Logits_EqualHeadAppliedToGlobalAveragePooledLastTap()
    {
        using var scope = new TensorScope();
        using var model = new CifarResNet(20);
        model.Eval();
        using var output = model.Forward(Tensor.Randn([3, 3, 32, 32]));
        var pooled = output.Last.Mean([2, 3]);
        var expected = Functional.Linear(pooled, model.Classifier.Weight, model.Classifier.Bias);
        TensorAssert.Close(expected, output.Logits, 1e-5, 1e-5, "z = W·GAP(F) + b");
    }

    [TestMethod]
    public void CifarResNet_OptionB_ProjectsWithConvolutionAndBatchNorm()
    {
        using var scope = new TensorScope();
        using var a = new CifarResNet(20);
        using var b = new CifarResNet(20, shortcut: ShortcutKind.B);
        Assert.IsFalse(a.StateDict().Keys.Any(k => k.Contains("shortcut")), "option A has no parameters");
        CollectionAssert.IsSubsetOf(new[] { "layer2.0.shortcut.0.weight", "layer2.0.shortcut.1.running_var", "layer3.0.shortcut.0.weight" }, b.StateDict().Keys.ToArray());
        using var output = b.Forward(Tensor.Randn([1, 3, 32, 32]));
        CollectionAssert.AreEqual(new long[] { 1, 64, 8, 8 }, output.Last.Shape);
    }

    [TestMethod]
    public void ReplaceClassifier_NewClassCount_KeepsBackboneAndNames()
    {
        using var scope = new TensorScope();
        using var model = Backbones.Create(Architecture.ResNet18, 1000);
        var conv = model.StateDict()["layer1.0.conv1.weight"].Clone();
        model.ReplaceClassifier(200);
        Assert.AreEqual(200L, model.NumClasses);
        Assert.AreEqual(512L, model.FeatureChannels);
        CollectionAssert.AreEqual(new long[] { 200, 512 }, model.StateDict()["fc.weight"].Shape);
        Assert.IsTrue(conv.AllClose(model.StateDict()["layer1.0.conv1.weight"], 0, 0), "the backbone is untouched");
        model.Eval();
        using var output = model.Forward(Tensor.Randn([1, 3, 64, 64]));
        CollectionAssert.AreEqual(new long[] { 1, 200 }, output.Logits.Shape);
    }

    [TestMethod]
    public void WideResNet_Dropout_ActiveOnlyInTraining()
    {
        using var scope = new TensorScope();
        using var model = new WideResNet(16, 2, dropout: 0.3);
        model.Eval();
        var x = Tensor.Randn([2, 3, 32, 32]);
        using var first = model.Forward(x);
        using var second = model.Forward(x);
        Assert.IsTrue(first.Logits.AllClose(second.Logits, 0, 0), "evaluation is deterministic");
        Assert.ThrowsExactly<ArgumentException>(() => new WideResNet(15, 2));
        Assert.ThrowsExactly<ArgumentException>(() => new CifarResNet(21));
    }
}
