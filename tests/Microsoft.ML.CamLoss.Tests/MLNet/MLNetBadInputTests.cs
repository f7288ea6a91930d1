using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>Bad input through the ML.NET API: each case gets one line naming the column or file and the fix.</summary>
[TestClass]
public sealed class MLNetBadInputTests
{
    [TestMethod]
    public void Fit_ImageColumnIsText_NamesColumnTypeAndLoadImages()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2));
        var options = MLNetScenario.Options();
        options.ImageColumnName = "ImagePath";
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.CamLoss(options));

        var error = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(data));
        Assert.AreEqual(
            "Column 'ImagePath' is String; the image column must be an MLImage or encoded bytes: load it with mlContext.Transforms.LoadImages(\"ImagePath\", folder, \"ImagePath\") or LoadRawImageBytes(\"ImagePath\", folder, \"ImagePath\").",
            error.Message);
    }

    [TestMethod]
    public void Fit_LabelNotKey_NamesColumnTypeAndMapValueToKey()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2));
        var pipeline = ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath").Append(ml.MulticlassClassification.Trainers.CamLoss(MLNetScenario.Options()));

        var error = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(data));
        Assert.AreEqual("Column 'Label' is String; make it a key with mlContext.Transforms.Conversion.MapValueToKey(\"Label\").", error.Message);
    }

    [TestMethod]
    public void Fit_MissingImageColumn_NamesColumnAndColumnsPresent()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.CamLoss(MLNetScenario.Options()));

        var error = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(data));
        Assert.AreEqual(
            "The data has no column 'Image' (columns: ImagePath, Label); load images with mlContext.Transforms.LoadImages or LoadRawImageBytes, or set ImageColumnName.",
            error.Message);
    }

    [TestMethod]
    public void Transform_LabelUnseenInTraining_NamesRowAndClasses()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 4));
        var model = MLNetScenario.Pipeline(ml, MLNetScenario.Options(epochs: 1)).Fit(train);
        var rows = ml.Data.CreateEnumerable<Row>(train, reuseRowObject: false).ToList();
        rows[1] = new Row { ImagePath = rows[1].ImagePath, Label = "tulip" };

        var error = Assert.ThrowsExactly<ArgumentException>(() => model.Transform(ml.Data.LoadFromEnumerable(rows)));
        Assert.AreEqual(
            "Row 1 has a 'Label' the model was not trained on (MapValueToKey made it a missing key). The model knows 3 classes: c00, c01, c02. Remove those rows or retrain with them.",
            error.Message);
    }

    [TestMethod]
    public void LoadCamLossModel_TruncatedOrCorruptZip_NamesTheFile()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2));
        var model = MLNetScenario.Pipeline(ml, MLNetScenario.Options(epochs: 1)).Fit(train);
        var path = Path.Combine(temp.Path, "model.zip");
        ml.Model.Save(model, train.Schema, path);
        var bytes = File.ReadAllBytes(path);
        var truncated = temp.Write("truncated.zip", bytes.AsSpan(0, bytes.Length / 2));
        var corrupt = bytes.ToArray();
        Array.Fill(corrupt, (byte)0x5A, corrupt.Length / 3, 4096);
        var garbled = temp.Write("corrupt.zip", corrupt);

        // ML.NET's own Load says only "Failed to open a zip archive"; LoadCamLossModel names the file and the fix.
        Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(truncated, out _));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => ml.Model.LoadCamLossModel(truncated, out _));
        Assert.AreEqual($"Model file '{truncated}' is truncated or corrupt (End of Central Directory record could not be found); save the model again.", error.Message);
        var second = Assert.ThrowsExactly<InvalidDataException>(() => ml.Model.LoadCamLossModel(garbled, out _));
        Console.WriteLine($"corrupt: {second.GetType().Name}: {second.Message}");
        StringAssert.StartsWith(second.Message, $"Model file '{garbled}' is truncated or corrupt (");
    }

    [TestMethod]
    public void Fit_PretrainedWeightsWithOtherClassCount_NamesBothCountsAndTheFix()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2));
        var weights = Path.Combine(temp.Path, "ten-classes.camlossw");
        using (var tenClasses = Backbones.Create(Architecture.ResNet8, 10))
        {
            tenClasses.SaveWeights(weights);
        }

        var options = MLNetScenario.Options(epochs: 1);
        options.PretrainedWeightsPath = weights;
        var error = Assert.ThrowsExactly<ArgumentException>(() => MLNetScenario.Pipeline(ml, options).Fit(data));
        StringAssert.Contains(error.Message, weights);
        StringAssert.Contains(error.Message, "classifier for 10 classes");
        StringAssert.Contains(error.Message, "the data has 3 classes");
        StringAssert.Contains(error.Message, "ReplaceClassifier = true");
    }

    private sealed class Row
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }
}
