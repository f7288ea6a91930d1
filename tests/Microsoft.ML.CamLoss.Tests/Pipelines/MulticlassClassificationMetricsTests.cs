using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Pipelines;

[TestClass]
public sealed class MulticlassClassificationMetricsTests
{
    // Four samples, three classes; worked by hand below.
    private static readonly float[][] Probabilities =
    [
        [0.7f, 0.2f, 0.1f],   // truth 0, predicted 0
        [0.1f, 0.3f, 0.6f],   // truth 1, predicted 2 (truth ranked 2nd)
        [0.2f, 0.5f, 0.3f],   // truth 1, predicted 1
        [0.5f, 0.4f, 0.1f],   // truth 2, predicted 0 (truth ranked 3rd)
    ];

    private static readonly long[] Labels = [0, 1, 1, 2];

    [TestMethod]
    public void Compute_HandWorkedExample_GivesMLNetFormulas()
    {
        var m = MulticlassClassificationMetrics.Compute(Probabilities, Labels, ["cat", "dog", "bird"], topKPredictionCount: 2);
        Assert.AreEqual(0.5, m.MicroAccuracy, 1e-12);
        Assert.AreEqual((1.0 + 0.5 + 0.0) / 3, m.MacroAccuracy, 1e-12);
        var logLoss = -(Math.Log(0.7f) + Math.Log(0.3f) + Math.Log(0.5f) + Math.Log(0.1f)) / 4;
        Assert.AreEqual(logLoss, m.LogLoss, 1e-9);
        var prior = -((0.25 * Math.Log(0.25)) + (0.5 * Math.Log(0.5)) + (0.25 * Math.Log(0.25)));
        Assert.AreEqual((prior - logLoss) / prior, m.LogLossReduction, 1e-9);
        CollectionAssert.AreEqual(new[] { 0.5, 0.75 }, m.TopKAccuracyForAllK.ToArray());
        Assert.AreEqual(0.75, m.TopKAccuracy, 1e-12);
        Assert.AreEqual(-Math.Log(0.1f), m.PerClassLogLoss[2], 1e-9);
        Assert.AreEqual(1L, m.ConfusionMatrix.GetCount(1, 2));
        Assert.AreEqual(1L, m.ConfusionMatrix.GetCount(2, 0));
        Assert.AreEqual(0.5, m.ConfusionMatrix.PerClassPrecision[0], 1e-12);
        Assert.AreEqual(0.5, m.ConfusionMatrix.PerClassRecall[1], 1e-12);
        var table = m.ConfusionMatrix.GetFormattedConfusionTable();
        StringAssert.Contains(table, "1. dog");
        StringAssert.Contains(table, "Precision");
    }

    [TestMethod]
    public void GetFormattedConfusionTable_LongNamesAndLargeCounts_KeepsColumnsAligned()
    {
        var probabilities = Enumerable.Range(0, 12345).Select(i => i % 3 == 0 ? new[] { 0.9f, 0.05f, 0.05f } : new[] { 0.1f, 0.1f, 0.8f }).ToArray();
        var labels = Enumerable.Range(0, 12345).Select(i => (long)(i % 3)).ToArray();
        var m = MulticlassClassificationMetrics.Compute(probabilities, labels, ["T-shirt/top", "Ankle boot", "a"]);
        var lines = m.ConfusionMatrix.GetFormattedConfusionTable().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        Assert.HasCount(1, lines.Select(l => l.IndexOf('|', StringComparison.Ordinal)).Distinct(), string.Join('\n', lines));
        Assert.HasCount(1, lines.Take(4).Select(l => l.LastIndexOf(" |", StringComparison.Ordinal)).Distinct(), string.Join('\n', lines));
    }

    [TestMethod]
    public void Compute_LabelTheModelDoesNotKnow_ThrowsNamingTheRow()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => MulticlassClassificationMetrics.Compute(Probabilities, [0, 1, 7, 2]));
        StringAssert.Contains(ex.Message, "Row 2: label 7 is outside the model's classes 0…2");
    }

    [TestMethod]
    public void Compute_ZeroProbabilityForTruth_ClipsLogLossAtEpsilon()
    {
        var m = MulticlassClassificationMetrics.Compute([[1f, 0f]], [1]);
        Assert.AreEqual(-Math.Log(MulticlassClassificationMetrics.LogLossEpsilon), m.LogLoss, 1e-9);
        Assert.AreEqual(0.0, m.LogLossReduction, "a single class has no prior uncertainty to reduce");
    }
}
