using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

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
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(3);
            using var trained = new CifarResNet(20);
            trained.forward(torch.randn([4, 3, 32, 32])).Dispose();   // moves the BatchNorm running statistics
            trained.eval();
            trained.SaveWeights(path);

            using var restored = new CifarResNet(20);
            restored.LoadWeights(path);
            restored.eval();
            var x = torch.randn([2, 3, 32, 32]);
            using var a = trained.forward(x);
            using var b = restored.forward(x);
            TensorAssert.Equal(a.Logits, b.Logits, "bit-identical logits after the round trip");
            Assert.AreEqual(1L, restored.Bn1.num_batches_tracked!.item<long>());
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
