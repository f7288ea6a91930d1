using Microsoft.ML.CamLoss.Losses;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Losses;

[TestClass]
public sealed class AlphaScheduleTests
{
    [TestMethod]
    public void Step_PaperDefaults_ZeroBeforeEpoch20AndThreeFromIt()
    {
        var schedule = AlphaSchedule.Step();
        Assert.AreEqual(0.0, schedule.ValueAt(0));
        Assert.AreEqual(0.0, schedule.ValueAt(19));
        Assert.AreEqual(3.0, schedule.ValueAt(20));
        Assert.AreEqual(3.0, schedule.ValueAt(159));
    }

    [TestMethod]
    public void Step_CustomValueAndStart_StepsThere()
    {
        var schedule = AlphaSchedule.Step(value: 1.5, startEpoch: 2);
        Assert.AreEqual(0.0, schedule.ValueAt(1));
        Assert.AreEqual(1.5, schedule.ValueAt(2));
    }

    [TestMethod]
    public void Adaptive_AccuracyFirstExceedsHalf_StartsTheNextEpoch()
    {
        var schedule = AlphaSchedule.Adaptive();
        Assert.IsNull(schedule.StartEpoch);
        schedule.ReportEpoch(0, 0.31);
        Assert.AreEqual(0.0, schedule.ValueAt(1));
        schedule.ReportEpoch(1, 0.5);                 // equal is not "exceeds"
        Assert.AreEqual(0.0, schedule.ValueAt(2));
        schedule.ReportEpoch(2, 0.62);
        Assert.AreEqual(3, schedule.StartEpoch);
        Assert.AreEqual(0.0, schedule.ValueAt(2));
        Assert.AreEqual(3.0, schedule.ValueAt(3));
        schedule.ReportEpoch(3, 0.4);                 // a later dip does not switch it off
        Assert.AreEqual(3.0, schedule.ValueAt(4));
        Assert.AreEqual(3, schedule.StartEpoch);
    }

    [TestMethod]
    public void Adaptive_CustomThreshold_UsesIt()
    {
        var schedule = AlphaSchedule.Adaptive(value: 2, accuracyThreshold: 0.8);
        schedule.ReportEpoch(0, 0.7);
        Assert.IsNull(schedule.StartEpoch);
        schedule.ReportEpoch(1, 0.81);
        Assert.AreEqual(2.0, schedule.ValueAt(2));
    }

    [TestMethod]
    public void Adaptive_ResumedWithStartEpoch_KeepsIt()
    {
        var schedule = new AdaptiveAlphaSchedule(startEpoch: 7);
        Assert.AreEqual(0.0, schedule.ValueAt(6));
        Assert.AreEqual(3.0, schedule.ValueAt(7));
        schedule.ReportEpoch(7, 0.9);
        Assert.AreEqual(7, schedule.StartEpoch);
    }

    [TestMethod]
    public void FromFunction_UserFunction_GivesItsValues()
    {
        var schedule = AlphaSchedule.FromFunction(epoch => Math.Min(3, 0.1 * epoch));
        Assert.AreEqual(0.0, schedule.ValueAt(0));
        Assert.AreEqual(1.0, schedule.ValueAt(10), 1e-12);
        Assert.AreEqual(3.0, schedule.ValueAt(100));
    }

    [TestMethod]
    public void FromFunction_NegativeValue_Throws() =>
        Assert.ThrowsExactly<InvalidOperationException>(() => AlphaSchedule.FromFunction(_ => -1).ValueAt(0));

    [TestMethod]
    public void ValueAt_NegativeEpoch_Throws() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => AlphaSchedule.Step().ValueAt(-1));

    [TestMethod]
    public void ReportEpoch_AccuracyAsPercent_Throws() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => AlphaSchedule.Adaptive().ReportEpoch(0, 55));
}
