using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Onnx;

/// <summary>
/// <see cref="OnnxImageClassifier"/> against the TorchSharp path of the same model: same preprocessing (read
/// from the graph's metadata), same probabilities (1e-5), labels and maps (1e-4 × max|map|), from a path,
/// bytes, a stream, a batch and a data set; thread-safe.
/// </summary>
[TestClass]
public sealed class OnnxImageClassifierTests
{
    private static readonly string[] Images = ["rgb.jpg", "rgba.png", "palette.png", "rgb.webp", "cmyk.jpg", "exif_orientation6.jpg"];
    private static readonly string[] Classes = ["cat", "dog", "fox"];

    [TestMethod]
    public void Constructor_ExportedModel_ReadsClassesInputAndPreprocessing()
    {
        using var model = OnnxTesting.Model(Classes);
        using var classifier = new OnnxImageClassifier(OnnxExport.ToBytes(model, new OnnxExportOptions { Maps = OnnxMaps.CamAndCaam }));

        CollectionAssert.AreEqual(Classes, classifier.ClassNames.ToArray());
        CollectionAssert.AreEqual(new long[] { 3, 16, 16 }, classifier.InputShape.ToArray());
        Assert.AreEqual("ResNet8", classifier.Architecture);
        Assert.AreEqual(OnnxMaps.CamAndCaam, classifier.Maps);
        Assert.AreEqual("Resize → CenterCrop", classifier.Preprocessing.ToString(), "the client resizes and crops; the graph normalises");
    }

    [TestMethod]
    public void Predict_PathBytesAndStream_SameAsTorchSharpEngine()
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxTesting.Model(Classes);
        var options = new ScoringOptions { IncludeCam = true, IncludeCaam = true, Resolution = MapResolution.Input };
        var engine = model.CreatePredictionEngine(options);
        using var classifier = new OnnxImageClassifier(OnnxExport.ToBytes(model, new OnnxExportOptions { Maps = OnnxMaps.CamAndCaam }), "resnet8.onnx");
        foreach (var image in Images)
        {
            var path = FixtureImages.PathOf(image);
            var expected = engine.Predict(path);
            AssertSame(expected, classifier.Predict(path, options), $"{image} from its path");
            AssertSame(expected, classifier.Predict(File.ReadAllBytes(path), image, options), $"{image} from bytes");
            using var stream = File.OpenRead(path);
            AssertSame(expected, classifier.Predict(stream, image, options), $"{image} from a stream");
        }
    }

    [TestMethod]
    public void Predict_BatchWithInputResolutionGraphAndCams_SameAsTorchSharpEngine()
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxTesting.Model(Classes);
        using var classifier = new OnnxImageClassifier(OnnxExport.ToBytes(
            model, new OnnxExportOptions { Maps = OnnxMaps.Caam | OnnxMaps.Cams, MapResolution = MapResolution.Input }));
        var sources = Images.Select(i => ImageSource.FromFile(FixtureImages.PathOf(i))).ToArray();
        foreach (var camClass in new string?[] { null, "dog" })
        {
            var options = new ScoringOptions { IncludeCam = true, IncludeCaam = true, CamClass = camClass, Resolution = MapResolution.Input };
            var expected = model.CreatePredictionEngine(options).Predict(sources);
            var actual = classifier.Predict(sources, options);
            for (var i = 0; i < sources.Length; i++)
            {
                AssertSame(expected[i], actual[i], $"{Images[i]} in a batch, CAM of {camClass ?? "the predicted class"} from Cams");
            }
        }
    }

    [TestMethod]
    public void Predict_RenamedInputAndOutputs_FoundThroughTheMetadata()
    {
        using var model = OnnxTesting.Model(Classes);
        var options = new OnnxExportOptions { Maps = OnnxMaps.CamAndCaam, InputName = "image", ScoreName = "probabilities", LogitsName = "conv1", CamName = "heat", CaamName = "Score" };
        using var renamed = new OnnxImageClassifier(OnnxExport.ToBytes(model, options));
        using var plain = new OnnxImageClassifier(OnnxExport.ToBytes(model, new OnnxExportOptions { Maps = OnnxMaps.CamAndCaam }));
        var scoring = new ScoringOptions { IncludeCam = true, IncludeCaam = true };
        var image = FixtureImages.PathOf("rgb.jpg");
        var (expected, actual) = (plain.Predict(image, scoring), renamed.Predict(image, scoring));
        CollectionAssert.AreEqual(expected.Score, actual.Score, "an output may take an internal value's name (conv1) or another role's default (Score)");
        CollectionAssert.AreEqual(expected.Cam!.Values.ToArray(), actual.Cam!.Values.ToArray());
        CollectionAssert.AreEqual(expected.Caam!.Values.ToArray(), actual.Caam!.Values.ToArray());
    }

    [TestMethod]
    public void Predict_ManyThreadsAtOnce_SameAnswersAsOneThread()
    {
        using var model = OnnxTesting.Model(Classes);
        using var classifier = new OnnxImageClassifier(OnnxExport.ToBytes(model, new OnnxExportOptions { Maps = OnnxMaps.Cam }));
        var options = new ScoringOptions { IncludeCam = true };
        var expected = Images.Select(i => classifier.Predict(FixtureImages.PathOf(i), options)).ToArray();
        var actual = new ImagePrediction[Images.Length * 8];
        Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = classifier.Predict(FixtureImages.PathOf(Images[i % Images.Length]), options));
        for (var i = 0; i < actual.Length; i++)
        {
            CollectionAssert.AreEqual(expected[i % Images.Length].Score, actual[i].Score, $"call {i}: same probabilities bit for bit");
            CollectionAssert.AreEqual(expected[i % Images.Length].Cam!.Values.ToArray(), actual[i].Cam!.Values.ToArray(), $"call {i}: same CAM");
        }
    }

    [TestMethod]
    public void Transform_ImageFolder_SameMetricsAsTorchSharp()
    {
        using var scope = torch.NewDisposeScope();
        using var temp = new TempFolder();
        for (var i = 0; i < Images.Length * 2; i++)
        {
            var image = Images[i % Images.Length];
            temp.Write($"data/{Classes[i % Classes.Length]}/{i:D2}{Path.GetExtension(image)}", FixtureImages.Bytes(image));
        }

        var data = ImageFolder.Load(Path.Combine(temp.Path, "data"));
        using var model = OnnxTesting.Model(Classes);
        using var classifier = new OnnxImageClassifier(OnnxExport.ToBytes(model));
        var options = new ScoringOptions { BatchSize = 5 };
        var expected = model.Transform(data, options).Evaluate();
        var scored = classifier.Transform(data, options);
        var actual = scored.Evaluate();

        Assert.AreEqual(data.Count, scored.Count);
        Assert.AreEqual(expected.MicroAccuracy, actual.MicroAccuracy, "same predictions");
        Assert.AreEqual(expected.LogLoss, actual.LogLoss, 1e-5, "log-loss from probabilities within 1e-5");
    }

    [TestMethod]
    public void Predict_MapTheGraphLacks_OneClearErrorNamingTheExport()
    {
        using var model = OnnxTesting.Model(Classes);
        using var plain = new OnnxImageClassifier(OnnxExport.ToBytes(model), "plain.onnx");
        var image = FixtureImages.PathOf("rgb.jpg");
        OnnxTesting.AssertOneLineError<ArgumentException>(() => plain.Predict(image, new ScoringOptions { IncludeCam = true }), "plain.onnx", "no Cam output", "--cam");
        OnnxTesting.AssertOneLineError<ArgumentException>(() => plain.Predict(image, new ScoringOptions { IncludeCaam = true }), "plain.onnx", "no Caam output");

        using var camOnly = new OnnxImageClassifier(OnnxExport.ToBytes(model, new OnnxExportOptions { Maps = OnnxMaps.Cam }), "cam.onnx");
        OnnxTesting.AssertOneLineError<ArgumentException>(
            () => camOnly.Predict(image, new ScoringOptions { IncludeCam = true, CamClass = "dog" }), "cam.onnx", "no Cams output", "'dog'", "--cams");
        OnnxTesting.AssertOneLineError<ArgumentException>(
            () => camOnly.Predict(image, new ScoringOptions { IncludeCam = true, CamClass = "wolf" }), "CamClass 'wolf'", "cat, dog, fox");

        using var atInput = new OnnxImageClassifier(
            OnnxExport.ToBytes(model, new OnnxExportOptions { Maps = OnnxMaps.Cam, MapResolution = MapResolution.Input }), "input.onnx");
        OnnxTesting.AssertOneLineError<ArgumentException>(
            () => atInput.Predict(image, new ScoringOptions { IncludeCam = true, Resolution = MapResolution.Feature }), "input.onnx", "--cam feature");
    }

    private static void AssertSame(ImagePrediction expected, ImagePrediction actual, string what)
    {
        Assert.AreEqual(expected.PredictedLabel, actual.PredictedLabel, $"{what}: label");
        Assert.AreEqual(expected.CamClassIndex, actual.CamClassIndex, $"{what}: CAM class");
        var worst = expected.Score.Zip(actual.Score, (e, a) => Math.Abs(e - a)).Max();
        Assert.IsLessThanOrEqualTo(1e-5, worst, $"{what}: max |Δ probability| {worst:E2}");
        AssertMap(expected.Cam, actual.Cam, $"{what}: CAM");
        AssertMap(expected.Caam, actual.Caam, $"{what}: CAAM");
    }

    private static void AssertMap(Heatmap? expected, Heatmap? actual, string what)
    {
        Assert.AreEqual(expected is null, actual is null, $"{what}: present");
        if (expected is null || actual is null)
        {
            return;
        }

        Assert.AreEqual((expected.Height, expected.Width), (actual.Height, actual.Width), $"{what}: size");
        var scale = Math.Max(Math.Abs(expected.Min), Math.Abs(expected.Max));
        var worst = Enumerable.Range(0, expected.Values.Length).Max(i => Math.Abs(expected.Values[i] - actual.Values[i]));
        Assert.IsLessThanOrEqualTo(1e-4 * scale, worst, $"{what}: max |Δ| {worst:E2} of max |map| {scale:G3}");
    }
}
