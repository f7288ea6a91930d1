using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>Learning-rate schedules (pure functions of the step) on TorchSharp's optimisers, and the optimiser state a checkpoint carries.</summary>
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
    public void ScheduleApply_SgdParameterGroups_EachGroupScalesItsOwnInitialRate()
    {
        using var scope = torch.NewDisposeScope();
        var backbone = nn.Parameter(torch.zeros(1));
        var head = nn.Parameter(torch.zeros(1));
        // Options that leave momentum etc. unset inherit the optimiser's; SGD.ParamGroup's convenience
        // constructor would set every option (momentum 0 included) and override them.
        using var sgd = torch.optim.SGD(
            [new SGD.ParamGroup([backbone], new SGD.Options { LearningRate = 0.1 }), new SGD.ParamGroup([head], new SGD.Options { LearningRate = 1.0 })],
            0.1);

        new StepSchedule(1, gamma: 0.5).Apply(sgd, step: 1);

        var groups = sgd.ParamGroups.ToList();
        Assert.AreEqual(0.05, groups[0].LearningRate, 1e-12);
        Assert.AreEqual(0.5, groups[1].LearningRate, 1e-12);
        (backbone + head).sum().backward();
        sgd.step();
        Assert.AreEqual(-0.05, backbone.item<float>(), 1e-7);
        Assert.AreEqual(-0.5, head.item<float>(), 1e-7);

        new StepSchedule(1, gamma: 0.5).Apply(sgd, step: 0);
        Assert.AreEqual(0.1, sgd.ParamGroups.First().LearningRate, 1e-12, "a pure function of the step: going back restores the rate");
    }

    [TestMethod]
    [DataRow("sgd")]
    [DataRow("adamw")]
    public void OptimizerStateDict_SavedAndLoadedIntoANewOptimizer_ContinuesExactlyAsTheOriginal(string kind)
    {
        torch.manual_seed(3);
        using var original = new SmallCnn();
        using var optimizer = Create(kind, original.parameters());
        for (var step = 0; step < 3; step++)
        {
            Step(original, optimizer, step);
        }

        using var copy = new SmallCnn();
        copy.LoadStateDict(original.state_dict());
        using var restored = Create(kind, copy.parameters());
        using (var scope = torch.NewDisposeScope())
        {
            OptimizerStateDict.Load(restored, OptimizerStateDict.Save(optimizer));
        }

        for (var step = 3; step < 6; step++)
        {
            Step(original, optimizer, step);
            Step(copy, restored, step);
        }

        var a = original.state_dict();
        var b = copy.state_dict();
        foreach (var key in a.Keys)
        {
            TensorAssert.Equal(a[key], b[key], key);
        }
    }

    [TestMethod]
    public void OptimizerStateDict_OfAnotherModel_ThrowsArgumentExceptionNamingTheKey()
    {
        using var small = new SmallCnn(channels: 4);
        using var large = new SmallCnn(channels: 8);
        using var a = torch.optim.SGD(small.parameters(), 0.01, momentum: 0.9);
        using var b = torch.optim.SGD(large.parameters(), 0.01, momentum: 0.9);
        using var scope = torch.NewDisposeScope();
        small.forward(torch.randn(2, 3, 8, 8)).sum().backward();
        a.step();

        var state = OptimizerStateDict.Save(a);
        var error = Assert.ThrowsExactly<ArgumentException>(() => OptimizerStateDict.Load(b, state));
        StringAssert.Contains(error.Message, "momentum_buffer");
    }

    private static OptimizerHelper Create(string kind, IEnumerable<Parameter> parameters) => kind == "sgd"
        ? torch.optim.SGD(parameters, 0.1, momentum: 0.9, nesterov: true, weight_decay: 1e-3)
        : torch.optim.AdamW(parameters, lr: 0.01, weight_decay: 0.01, amsgrad: true);

    private static void Step(SmallCnn model, OptimizerHelper optimizer, int step)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(step);
        var loss = model.forward(torch.randn(4, 3, 8, 8)).square().mean();
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
}
