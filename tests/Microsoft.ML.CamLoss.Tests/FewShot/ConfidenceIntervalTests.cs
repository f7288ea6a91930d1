using Microsoft.ML.CamLoss.FewShot;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.FewShot;

[TestClass]
public sealed class ConfidenceIntervalTests
{
    [TestMethod]
    public void Of95_KnownValues_MeanPlusMinus196StdOverRootN()
    {
        // values 0.2, 0.4, 0.6, 0.8: mean 0.5, σ (over n) = √0.05, half width 1.96·√0.05/2 = 0.219134…
        var interval = ConfidenceInterval.Of95([0.2, 0.4, 0.6, 0.8]);

        Assert.AreEqual(0.5, interval.Mean, 1e-15);
        Assert.AreEqual(1.96 * Math.Sqrt(0.05) / 2, interval.HalfWidth, 1e-15);
        Assert.AreEqual(4, interval.Count);
        Assert.AreEqual(interval.Mean - interval.HalfWidth, interval.Lower, 1e-15);
        Assert.AreEqual("50.00 ± 21.91 %", interval.ToPercent());
    }

    [TestMethod]
    public void Of95_SixHundredEpisodes_MatchesNumpyStd()
    {
        // The few-shot literature's formula, as Chen et al.'s evaluation computes it: 1.96 * np.std(acc) / np.sqrt(600),
        // np.std dividing by n. For accuracies alternating 0.6 and 0.8: σ = 0.1, so 1.96 · 0.1 / √600 = 0.0080016…
        var accuracies = Enumerable.Range(0, 600).Select(i => i % 2 == 0 ? 0.6 : 0.8).ToArray();
        var interval = ConfidenceInterval.Of95(accuracies);
        Assert.AreEqual(0.7, interval.Mean, 1e-12);
        Assert.AreEqual(0.196 / Math.Sqrt(600), interval.HalfWidth, 1e-12);
    }

    [TestMethod]
    public void Of95_OneValue_ZeroWidth_NoValues_Throw()
    {
        Assert.AreEqual(0, ConfidenceInterval.Of95([0.3]).HalfWidth);
        Assert.ThrowsExactly<ArgumentException>(() => ConfidenceInterval.Of95(Array.Empty<double>()));
        Assert.ThrowsExactly<ArgumentException>(() => ConfidenceInterval.Of95([0.5, double.NaN]));
    }

    [TestMethod]
    public void PairedDifference_SameEpisodes_IntervalOfTheDifferences()
    {
        var a = new FewShotResult(5, 1, 15, [0.5, 0.6, 0.7]);
        var b = new FewShotResult(5, 1, 15, [0.4, 0.6, 0.5]);
        var difference = a.PairedDifference(b);
        Assert.AreEqual(0.1, difference.Mean, 1e-12);
        Assert.AreEqual(ConfidenceInterval.Of95([0.1, 0.0, 0.2]).HalfWidth, difference.HalfWidth, 1e-12);
        Assert.ThrowsExactly<ArgumentException>(() => a.PairedDifference(new FewShotResult(5, 5, 15, [0.5, 0.6, 0.7])));
    }
}
