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
}
