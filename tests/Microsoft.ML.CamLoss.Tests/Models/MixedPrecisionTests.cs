using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Models;

/// <summary>
/// The mixed-precision policy (<see cref="MixedPrecision"/>): which operation runs in which type inside a
/// scope, that nothing changes outside one, and that the scope is per thread.
/// </summary>
[TestClass]
public sealed class MixedPrecisionTests
{
    [TestMethod]
    public void ForwardMixed_Convolution_ComputesIn16BitFromTheFloat32Weights()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var conv = nn.Conv2d(3, 5, 3, stride: 2, padding: 1, bias: true);
        var x = randn([2, 3, 9, 9]);

        Tensor mixed;
        using (MixedPrecision.Enter(ScalarType.BFloat16))
        {
            mixed = conv.ForwardMixed(x);
        }

        // Autocast's conv2d: input, weight and bias cast to bfloat16, the output in bfloat16, weights untouched.
        var expected = nn.functional.conv2d(MixedPrecisionLayers.ChannelsLast(x.bfloat16()), conv.weight.bfloat16(), conv.bias!.bfloat16(), [2, 2], [1, 1]);
        Assert.AreEqual(ScalarType.BFloat16, mixed.dtype);
        Assert.IsTrue(expected.Equals(mixed), "the same convolution on the bfloat16 casts");
        Assert.AreEqual(ScalarType.Float32, conv.weight.dtype, "the master weight stays float32");
        Assert.IsTrue(IsChannelsLast(mixed), "the first convolution switches to channels-last layout");

        mixed.to(ScalarType.Float32).sum().backward();
        Assert.AreEqual(ScalarType.Float32, conv.weight.grad!.dtype, "gradients reach the master weight in float32");
        Assert.AreEqual(ScalarType.Float32, conv.bias.grad!.dtype);
    }

    [TestMethod]
    public void ForwardMixed_OutsideAScope_IsTheLayersOwnForward()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var conv = nn.Conv2d(3, 5, 3, padding: 1, bias: false);
        using var linear = nn.Linear(5, 4);
        var x = randn([2, 3, 6, 6]);

        Assert.IsNull(MixedPrecision.ComputeType);
        Assert.IsTrue(conv.forward(x).Equals(conv.ForwardMixed(x)));
        var features = randn([2, 5]);
        Assert.IsTrue(linear.forward(features).Equals(linear.ForwardMixed(features)));
    }

    [TestMethod]
    public void ForwardMixed_Linear_ComputesIn16Bit()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var linear = nn.Linear(6, 3);
        var x = randn([4, 6]);
        Tensor mixed;
        using (MixedPrecision.Enter(ScalarType.Float16))
        {
            mixed = linear.ForwardMixed(x);
        }

        Assert.AreEqual(ScalarType.Float16, mixed.dtype);
        var expected = nn.functional.linear(x.half(), linear.weight.half(), linear.bias!.half());
        Assert.IsTrue(expected.Equals(mixed));
    }

    [TestMethod]
    public void BatchNorm_On16BitActivations_KeepsFloat32StatisticsAndOutputsTheActivationsType()
    {
        // BatchNorm runs in its input's type under autocast (PyTorch 1.13 lists it in neither list): libtorch takes the
        // bfloat16 activations with the float32 weight, bias and running statistics, accumulates the batch mean and
        // variance in float32 and returns bfloat16. The same statistics as a float32 BatchNorm of the same values,
        // up to float32 summation order (1e-5 relative); the output within a bfloat16 rounding (2^-8 relative).
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var bn16 = nn.BatchNorm2d(4);
        using var bn32 = nn.BatchNorm2d(4);
        var x = (randn([8, 4, 5, 5]) * 3 + 1).bfloat16();

        var y16 = bn16.forward(x);
        var y32 = bn32.forward(x.to(ScalarType.Float32));

        Assert.AreEqual(ScalarType.BFloat16, y16.dtype);
        Assert.AreEqual(ScalarType.Float32, bn16.running_mean!.dtype);
        Assert.IsTrue(bn16.running_mean.allclose(bn32.running_mean!, rtol: 1e-5, atol: 1e-6), "running mean");
        Assert.IsTrue(bn16.running_var!.allclose(bn32.running_var!, rtol: 1e-5, atol: 1e-6), "running variance");
        Assert.IsTrue(y16.to(ScalarType.Float32).allclose(y32, rtol: 1.0 / 128, atol: 1.0 / 128), "normalised output");
    }

    [TestMethod]
    [DataRow(Architecture.ResNet8)]
    [DataRow(Architecture.WideResNet16x2)]
    [DataRow(Architecture.ResNet18)]
    public void Forward_InBFloat16Scope_TapsAndLogitsAreFloat32ValuesOf16BitLayers(Architecture architecture)
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var network = Backbones.Create(architecture, 5);
        network.train();
        var size = architecture == Architecture.ResNet18 ? 64 : 16;
        var x = randn([4, 3, size, size]);
        BackboneOutput output;
        using (MixedPrecision.Enter(ScalarType.BFloat16))
        {
            output = network.forward(x);
        }

        foreach (var (name, tensor) in new[] { ("logits", output.Logits), ("last", output.Last), ("inner", output.Inner) })
        {
            Assert.AreEqual(ScalarType.Float32, tensor.dtype, $"{name} leaves the network in float32");

            // Computed by bfloat16 layers: every value is a bfloat16 value (a float32 layer would give other values).
            Assert.IsTrue(tensor.Equals(tensor.bfloat16().to(ScalarType.Float32)), $"{name} holds bfloat16 values");
        }

        Assert.IsTrue(IsChannelsLast(output.Last), "channels-last layout throughout");
        foreach (var (name, buffer) in network.named_buffers())
        {
            Assert.AreEqual(name.EndsWith("num_batches_tracked", StringComparison.Ordinal) ? ScalarType.Int64 : ScalarType.Float32, buffer.dtype, name);
        }

        output.Logits.sum().backward();
        foreach (var (name, parameter) in network.named_parameters())
        {
            Assert.AreEqual(ScalarType.Float32, parameter.dtype, name);
            Assert.AreEqual(ScalarType.Float32, parameter.grad!.dtype, $"{name}: its gradient");
        }
    }

    [TestMethod]
    public void Losses_OnTapsOfABFloat16Forward_RunInFloat32()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var network = Backbones.Create(Architecture.ResNet8, 4);
        network.train();
        var x = randn([6, 3, 16, 16]);
        var labels = tensor(new long[] { 0, 1, 2, 3, 0, 1 });
        using (MixedPrecision.Enter(ScalarType.BFloat16))
        {
            var output = network.forward(x);
            using var cam = new CamLossFunction().Compute(output.Last, network.Classifier.weight, output.Logits, labels, alpha: 3);
            Assert.AreEqual(ScalarType.Float32, cam.Total.dtype);

            // ICASC takes the logits' gradient with respect to both taps: they must lie on the path to the logits.
            using var icasc = new IcascLoss().Compute(output.Logits, output.Inner, output.Last, labels);
            Assert.AreEqual(ScalarType.Float32, icasc.Total.dtype);
            Assert.IsTrue(double.IsFinite(icasc.Total.item<float>()));
            (cam.Total + icasc.Total).backward();
        }

        Assert.IsTrue(network.parameters().All(p => p.grad is not null && p.grad.isfinite().all().item<bool>()));
    }

    [TestMethod]
    public void Enter_IsPerThreadNestsAndRestores()
    {
        Assert.IsNull(MixedPrecision.ComputeType);
        using (MixedPrecision.Enter(ScalarType.BFloat16))
        {
            ScalarType? seenElsewhere = ScalarType.Int8;
            var thread = new Thread(() => seenElsewhere = MixedPrecision.ComputeType);
            thread.Start();
            thread.Join();
            Assert.IsNull(seenElsewhere, "another thread (a loader worker) is not in the scope");

            using (MixedPrecision.Enter(ScalarType.Float16))
            {
                Assert.AreEqual(ScalarType.Float16, MixedPrecision.ComputeType);
            }

            Assert.AreEqual(ScalarType.BFloat16, MixedPrecision.ComputeType);
        }

        Assert.IsNull(MixedPrecision.ComputeType);
    }

    [TestMethod]
    public void Enter_NotA16BitType_Throws()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => MixedPrecision.Enter(ScalarType.Float32));
        StringAssert.Contains(error.Message, "BFloat16 or Float16");
    }

    private static bool IsChannelsLast(Tensor x)
    {
        var strides = x.stride();
        return strides[1] == 1 && strides[3] == x.shape[1];
    }
}
