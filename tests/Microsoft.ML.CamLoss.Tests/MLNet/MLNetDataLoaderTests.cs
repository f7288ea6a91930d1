using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>The data loaders on <c>mlContext.Data</c>: the columns each layout gives, and that the trainer reads them.</summary>
[TestClass]
public sealed class MLNetDataLoaderTests
{
    [TestMethod]
    public void LoadCub200_WithBoundingBoxes_ImagePathLabelAndBoxColumns()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadCub200(SyntheticTrees.Cub(temp), DataSplit.Train);

        CollectionAssert.AreEqual(new[] { "ImagePath", "Label", "BoxX", "BoxY", "BoxWidth", "BoxHeight" }, data.Schema.Select(c => c.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "001.Alpha_Bird", "002.Beta_Bird", "003.Gamma_Bird" }, data.GetColumn<string>("Label").ToArray());
        CollectionAssert.AreEqual(new[] { 1.5f, 3.5f, 5.5f }, data.GetColumn<float>("BoxY").ToArray());   // images 1, 3, 5: "i+1.5" for i = 0, 2, 4
        Assert.IsTrue(data.GetColumn<string>("ImagePath").All(File.Exists));
    }

    [TestMethod]
    public void LoadCub200_WithoutBoundingBoxes_NoBoxColumns()
    {
        using var temp = new TempFolder();
        var data = new MLContext(seed: 1).Data.LoadCub200(SyntheticTrees.Cub(temp, boxes: false), DataSplit.Test);

        CollectionAssert.AreEqual(new[] { "ImagePath", "Label" }, data.Schema.Select(c => c.Name).ToArray());
        Assert.AreEqual(3, data.GetColumn<string>("Label").Count());
    }

    [TestMethod]
    public void LoadStanfordDogs_OfficialLists_ImagePathAndBreedLabels()
    {
        using var temp = new TempFolder();
        var data = new MLContext(seed: 1).Data.LoadStanfordDogs(SyntheticTrees.StanfordDogs(temp, "compressed"), DataSplit.Test);

        CollectionAssert.AreEqual(new[] { "ImagePath", "Label" }, data.Schema.Select(c => c.Name).ToArray());
        Assert.AreEqual(2, data.GetColumn<string>("ImagePath").Count());
    }

    [TestMethod]
    public void LoadCifar10_BinaryBatches_ImageColumnWithTheRecordsPixels()
    {
        using var temp = new TempFolder();
        for (var b = 1; b <= 5; b++)
        {
            temp.Write($"cifar-10-batches-bin/data_batch_{b}.bin", SyntheticTrees.CifarRecords([[(byte)b], [(byte)(b + 4)]]));
        }

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadCifar10(Path.Combine(temp.Path, "cifar-10-batches-bin"));
        Assert.AreEqual(new ImageDataViewType(32, 32), data.Schema["Image"].Type);

        var pixels = ml.Transforms.ExtractPixels("Pixels", "Image", outputAsFloatArray: false).Fit(data).Transform(data).GetColumn<byte[]>("Pixels").ToList();
        Assert.HasCount(10, pixels);
        CollectionAssert.AreEqual(Enumerable.Range(0, 3072).Select(o => (byte)((1 * 7) + o)).ToArray(), pixels[1]);   // record 1 of batch 1, planar RGB as CIFAR stores it
    }

    [TestMethod]
    public void LoadIdx_GreyImages_TrainerFitsOnTheImageColumn()
    {
        using var temp = new TempFolder();
        var random = new Random(3);
        var pixels = new byte[12 * 8 * 8];
        random.NextBytes(pixels);
        var images = temp.Write("images.idx", SyntheticTrees.Idx([12, 8, 8], pixels, gzip: false));
        var labels = temp.Write("labels.idx", SyntheticTrees.Idx([12], [.. Enumerable.Range(0, 12).Select(i => (byte)(i % 3))], gzip: false));
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadIdx(images, labels);

        var options = MLNetScenario.Options(epochs: 1);
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.CamLoss(options)).Fit(data);

        Assert.HasCount(12, model.Transform(data).GetColumn<float[]>("Score").ToList());
        var first = ml.Transforms.ExtractPixels("P", "Image", outputAsFloatArray: false).Fit(data).Transform(data).GetColumn<byte[]>("P").First();
        CollectionAssert.AreEqual(pixels[..64], first[..64], "grey repeated to R");
        CollectionAssert.AreEqual(pixels[..64], first[128..192], "… and to B");
    }

    [TestMethod]
    public void CamlossEvaluate_ZipFittedOnInMemoryImages_ScoresTheSameIdxFolder()
    {
        // ML.NET saves no MLImage column in a zip's input schema: the zip records only the label, and camloss must feed the images itself.
        using var temp = new TempFolder();
        var random = new Random(5);
        var pixels = new byte[12 * 8 * 8];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, 12).Select(i => (byte)(i % 3)).ToArray();
        foreach (var part in new[] { "train", "t10k" })
        {
            temp.Write($"idx/{part}-images-idx3-ubyte", SyntheticTrees.Idx([12, 8, 8], pixels, gzip: false));
            temp.Write($"idx/{part}-labels-idx1-ubyte", SyntheticTrees.Idx([12], labels, gzip: false));
        }

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadIdx(Path.Combine(temp.Path, "idx", "t10k-images-idx3-ubyte"), Path.Combine(temp.Path, "idx", "t10k-labels-idx1-ubyte"));
        var options = MLNetScenario.Options(epochs: 1);
        options.Maps = CamLoss.Onnx.OnnxMaps.CamAndCaam;
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.CamLoss(options)).Fit(data);
        var zip = Path.Combine(temp.Path, "idx.zip");
        ml.Model.Save(model, data.Schema, zip);
        var expected = ml.MulticlassClassification.Evaluate(model.Transform(data));

        var run = Cli.CliRun.Of("evaluate", "--model", zip, "--data", Path.Combine(temp.Path, "idx"), "--format", "idx", "--json").AssertSucceeded();
        var json = System.Text.Json.Nodes.JsonNode.Parse(run.Stdout)!;

        Assert.AreEqual(expected.MicroAccuracy, json["MicroAccuracy"]!.GetValue<double>(), 1e-9);
        Assert.AreEqual(12, json["Localization"]!["Count"]!.GetValue<int>(), "the foreground of every grey image");
    }

    [TestMethod]
    public void GetOutputSchema_BytesInput_ScoreVectorKeyPredictedLabelAndCam()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 1));
        var prepared = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath"));

        // SchemaShape.Create is internal: ML.NET's EstimatorChain.Fit calls it before fitting anything; the test calls it the same way.
        var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, [typeof(DataViewSchema)])!;
        var input = (SchemaShape)create.Invoke(null, [data.Schema])!;
        var shape = prepared.Append(ml.MulticlassClassification.Trainers.CamLoss(MLNetScenario.Options())).GetOutputSchema(input);

        var score = shape.Single(c => c.Name == "Score");
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.AreEqual(NumberDataViewType.Single, score.ItemType);
        Assert.IsTrue(shape.Single(c => c.Name == "PredictedLabel").IsKey);
        Assert.IsTrue(shape.Any(c => c.Name == "Cam"));
        Assert.IsFalse(shape.Any(c => c.Name.StartsWith("CamLoss.", StringComparison.Ordinal)), "temporary columns are dropped");
    }
}
