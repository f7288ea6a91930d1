using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Models;

/// <summary>
/// Our ImageNet ResNets against torchvision 0.14 (Reference/generate_backbone_fixtures.py): same
/// state-dict keys and shapes in the same order, same seeded initialisation, same logits (1e-4 abs)
/// and <c>last</c> tap in eval mode.
/// </summary>
[TestClass]
public sealed class TorchvisionParityTests
{
    private static readonly JsonFixture Fixture = JsonFixture.Open("torchvision.json");

    [TestMethod]
    [DataRow(Architecture.ResNet18, "resnet18")]
    [DataRow(Architecture.ResNet50, "resnet50")]
    [DataRow(Architecture.ResNeXt50x32x4d, "resnext50_32x4d")]
    public void Forward_SeededWeightsAndInput_MatchesTorchvisionLogitsAndLastTap(Architecture architecture, string name)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(Fixture.Get("weight_seed").GetInt64());
        using var model = Backbones.Create(architecture, 1000);
        model.eval();

        var state = model.state_dict();
        CollectionAssert.AreEqual(Fixture.Get(name, "keys").EnumerateArray().Select(k => k.GetString()).ToArray(), state.Keys.ToArray(), "torchvision's state-dict keys, in order");
        var shapes = Fixture.Get(name, "shapes").EnumerateArray().Select(s => string.Join(",", s.EnumerateArray().Select(v => v.GetInt64()))).ToArray();
        CollectionAssert.AreEqual(shapes, state.Values.Select(t => string.Join(",", t.shape)).ToArray(), "torchvision's shapes");
        Assert.AreEqual(Fixture.Get(name, "fc_weight_sum").GetDouble(), model.Classifier.weight.to(ScalarType.Float64).sum().item<double>(), 1e-9, "seeded initialisation draws the same head weights");

        torch.manual_seed(Fixture.Get("input_seed").GetInt64());
        var x = torch.randn(Fixture.Get("input_shape").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        using (torch.no_grad())
        using (var output = model.forward(x))
        {
            TensorAssert.Close(Fixture.Base64Tensor([name, "logits"], [name, "logits_shape"]), output.Logits, 0, 1e-4, $"{name} logits");
            // The last tap's scale differs by model (max |x| is ~0.7 for ResNeXt-50, ~170 for ResNet-50
            // with random weights), so its tolerance is relative to the map's largest value.
            var expectedLast = Fixture.Base64Tensor([name, "last"], [name, "last_shape"]);
            TensorAssert.Close(expectedLast, output.Last, 0, 1e-5 * expectedLast.abs().max().item<float>(), $"{name} last tap");
        }
    }
}
