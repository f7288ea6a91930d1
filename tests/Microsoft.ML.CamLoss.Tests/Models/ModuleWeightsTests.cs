using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Models;

[TestClass]
public sealed class ModuleWeightsTests
{
    [TestMethod]
    public void SaveWeightsThenLoadWeights_TrainedBackbone_GivesIdenticalOutputs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"camloss-{Guid.NewGuid():N}.weights");
        try
        {
            using var scope = new TensorScope();
            TorchRuntime.ManualSeed(3);
            using var trained = new CifarResNet(20);
            trained.Forward(Tensor.Randn([4, 3, 32, 32])).Dispose();   // moves the BatchNorm running statistics
            trained.Eval();
            trained.SaveWeights(path);

            using var restored = new CifarResNet(20);
            restored.LoadWeights(path);
            restored.Eval();
            var x = Tensor.Randn([2, 3, 32, 32]);
            using var a = trained.Forward(x);
            using var b = restored.Forward(x);
            Assert.IsTrue(a.Logits.AllClose(b.Logits, 0, 0), "bit-identical logits after the round trip");
            Assert.AreEqual(1L, restored.Bn1.NumBatchesTracked!.ToInt64());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void LoadWeights_WrongArchitecture_ThrowsNamingTheFileAndTheKeys()
    {
        var path = Path.Combine(Path.GetTempPath(), $"camloss-{Guid.NewGuid():N}.weights");
        try
        {
            using var small = new CifarResNet(20);
            small.SaveWeights(path);
            using var deeper = new CifarResNet(32);
            var ex = Assert.ThrowsExactly<InvalidOperationException>(() => deeper.LoadWeights(path));
            StringAssert.StartsWith(ex.Message, path);
            StringAssert.Contains(ex.Message, "Missing key(s) in state_dict: \"layer1.3.conv1.weight\"");

            using var otherHead = new CifarResNet(20, numClasses: 100);
            var mismatch = Assert.ThrowsExactly<InvalidOperationException>(() => otherHead.LoadWeights(path, strict: false));
            StringAssert.Contains(mismatch.Message, "size mismatch for linear.weight");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
