using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Torch.Tests;

[TestClass]
public sealed class ScheduleAndOptimizerTests
{
    [TestMethod]
    public void CosineSchedule_Warmup_RisesLinearlyThenDecaysToMin()
    {
        var s = new CosineSchedule(totalSteps: 110, warmupSteps: 10, warmupStartFactor: 0.1, minFactor: 0.0);
        Assert.AreEqual(0.1, s.GetFactor(0), 1e-12);
        Assert.AreEqual(0.55, s.GetFactor(5), 1e-12);
        Assert.AreEqual(1.0, s.GetFactor(10), 1e-12);
        Assert.AreEqual(0.5, s.GetFactor(60), 1e-12);
        Assert.AreEqual(0.0, s.GetFactor(110), 1e-12);
        Assert.AreEqual(0.0, s.GetFactor(500), 1e-12);
    }

    [TestMethod]
    public void StepAndMultiStepSchedules_DecayAtTheirSteps()
    {
        Assert.AreEqual(1.0, new StepSchedule(30).GetFactor(29), 1e-12);
        Assert.AreEqual(0.1, new StepSchedule(30).GetFactor(30), 1e-12);
        var multi = new MultiStepSchedule([80, 120], gamma: 0.2);
        Assert.AreEqual(1.0, multi.GetFactor(79), 1e-12);
        Assert.AreEqual(0.2, multi.GetFactor(80), 1e-12);
        Assert.AreEqual(0.04, multi.GetFactor(120), 1e-12);
    }

    [TestMethod]
    public void Sgd_ParameterGroups_UseTheirOwnLearningRatesUnderASchedule()
    {
        using var scope = new TensorScope();
        var backbone = Tensor.Zeros([1], requiresGrad: true);
        var head = Tensor.Zeros([1], requiresGrad: true);
        using var sgd = new Sgd([new ParameterGroup([backbone]), new ParameterGroup([head], learningRate: 1.0)], new SgdOptions { LearningRate = 0.1 });
        sgd.ApplySchedule(new StepSchedule(1, gamma: 0.5), step: 1);
        Assert.AreEqual(0.05, sgd.ParameterGroups[0].LearningRate, 1e-12);
        Assert.AreEqual(0.5, sgd.ParameterGroups[1].LearningRate, 1e-12);
        (backbone + head).Sum().Backward();
        sgd.Step();
        Assert.AreEqual(-0.05, backbone.ToDouble(), 1e-7);
        Assert.AreEqual(-0.5, head.ToDouble(), 1e-7);
        Assert.AreEqual(1, sgd.StepCount);
    }

    [TestMethod]
    public void Optimizer_WithoutParameters_ThrowsArgumentException()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new Sgd(Array.Empty<Tensor>(), new SgdOptions()));
        StringAssert.Contains(ex.Message, "no parameters");
    }

    [TestMethod]
    [DataRow("sgd")]
    [DataRow("adamw")]
    public void Optimizer_StateDictLoadedIntoANewOptimizer_ContinuesExactlyAsTheOriginal(string kind)
    {
        static Optimizer Create(string kind, IEnumerable<Tensor> parameters) => kind == "sgd"
            ? new Sgd(parameters, new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-3 })
            : new AdamW(parameters, new AdamWOptions { LearningRate = 0.01, AmsGrad = true });

        static void Step(Module<Tensor, Tensor> model, Optimizer optimizer, int step)
        {
            using var scope = new TensorScope();
            TorchRuntime.ManualSeed((ulong)step);
            var loss = model.Forward(Tensor.Randn([4, 3, 8, 8])).Square().Mean();
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }

        TorchRuntime.ManualSeed(3);
        using var original = new SmallCnn();
        using var optimizer = Create(kind, original.Parameters());
        for (var step = 0; step < 3; step++)
        {
            Step(original, optimizer, step);
        }

        using var copy = new SmallCnn();
        using (var scope = new TensorScope())
        {
            copy.LoadStateDict(original.StateDict());
        }

        using var restored = Create(kind, copy.Parameters());
        var state = optimizer.StateDict();
        restored.LoadStateDict(state);
        foreach (var tensor in state.Values)
        {
            tensor.Dispose();
        }

        Assert.AreEqual(3, restored.StepCount);
        for (var step = 3; step < 6; step++)
        {
            Step(original, optimizer, step);
            Step(copy, restored, step);
        }

        using var check = new TensorScope();
        var a = original.StateDict();
        var b = copy.StateDict();
        foreach (var key in a.Keys)
        {
            TensorAssert.Equal(a[key], b[key], key);
        }
    }

    [TestMethod]
    public void Optimizer_StateDictOfAnotherModel_ThrowsNamingTheKey()
    {
        using var small = new SmallCnn(channels: 4);
        using var large = new SmallCnn(channels: 8);
        using var a = new Sgd(small.Parameters(), new SgdOptions { Momentum = 0.9 });
        using var b = new Sgd(large.Parameters(), new SgdOptions { Momentum = 0.9 });
        using (var scope = new TensorScope())
        {
            var loss = small.Forward(Tensor.Randn([2, 3, 8, 8])).Sum();
            loss.Backward();
            a.Step();
        }

        var state = a.StateDict();
        var error = Assert.ThrowsExactly<ArgumentException>(() => b.LoadStateDict(state));
        StringAssert.Contains(error.Message, "momentum_buffer");
        foreach (var tensor in state.Values)
        {
            tensor.Dispose();
        }
    }
}
