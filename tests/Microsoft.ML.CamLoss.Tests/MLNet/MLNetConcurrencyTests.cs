using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>Many threads over one model: <c>CreateConcurrentPredictionEngine</c> gives each call its own pooled ML.NET engine.</summary>
[TestClass]
public sealed class MLNetConcurrencyTests
{
    [TestMethod]
    public void ConcurrentPredictionEngine_EightThreads_SameAnswersAsOneEngine()
    {
        using var temp = new TempFolder();
        var root = MLNetScenario.Images(temp, perClass: 6);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(root);
        var model = MLNetScenario.Pipeline(ml, MLNetScenario.Options(epochs: 1)).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);
        var files = Directory.EnumerateFiles(root, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        using var single = ml.Model.CreatePredictionEngine<MLNetEndToEndTests.ImageInput, MLNetEndToEndTests.ImageOutput>(model);
        var expected = files.Select(f => single.Predict(new MLNetEndToEndTests.ImageInput { ImagePath = f })).ToArray();

        using var pool = ml.Model.CreateConcurrentPredictionEngine<MLNetEndToEndTests.ImageInput, MLNetEndToEndTests.ImageOutput>(model);
        var results = new MLNetEndToEndTests.ImageOutput[8][];
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            results[t] = [.. Enumerable.Range(0, 5).SelectMany(_ => files).Select(f => pool.Predict(new MLNetEndToEndTests.ImageInput { ImagePath = f }))];
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Console.WriteLine($"{8 * 5 * files.Length} predictions on 8 threads with {pool.EnginesCreated} engines");
        Assert.IsLessThanOrEqualTo(8, pool.EnginesCreated);
        foreach (var perThread in results)
        {
            for (var i = 0; i < perThread.Length; i++)
            {
                var want = expected[i % files.Length];
                Assert.AreEqual(want.PredictedLabel, perThread[i].PredictedLabel);
                CollectionAssert.AreEqual(want.Score, perThread[i].Score);
            }
        }
    }
}
