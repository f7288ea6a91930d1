using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Cli;
using Microsoft.ML.CamLoss.Cli.Models;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Tests.MLNet;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

/// <summary>
/// <c>evaluate</c>, <c>predict</c>, <c>explain</c>, <c>export</c> and <c>distill</c> with each kind of model file, told apart by
/// content: an ML.NET model zip (the README's pipeline, <c>mlContext.Model.Save</c>), ONNX files from the export with and without
/// maps, and a training run folder and its checkpoint; the kinds a command cannot use, and damaged or foreign files, end in one line.
/// One ResNet-8 is fitted once (1 epoch on 3 × 4 PNGs of 24 × 24, seconds) and saved in every form; <c>camloss train</c> trains
/// another on the same images once for the run folder.
/// </summary>
[TestClass]
public sealed class ModelKindsCommandTests
{
    private static TempFolder _temp = null!;
    private static ImageClassificationModel _model = null!;
    private static string _images = string.Empty;
    private static string _zip = string.Empty;
    private static string _zipWithoutMaps = string.Empty;
    private static string _runFolder = string.Empty;
    private static string _checkpoint = string.Empty;
    private static string _onnx = string.Empty;
    private static string _onnxWithoutMaps = string.Empty;
    private static string _textZip = string.Empty;

    [ClassInitialize]
    public static void FitOnce(TestContext context)
    {
        _ = context;
        _temp = new TempFolder();
        _images = MLNetScenario.Images(_temp, perClass: 4);
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadImageFolder(_images);
        var prepare = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath")).Fit(raw);
        var data = prepare.Transform(raw);
        var options = MLNetScenario.Options(epochs: 1);
        var dataset = DataViewImages.ToDataset(ml, data, "Image", "Label", ["c00", "c01", "c02"], (32, 32), ImageResizingEstimator.ResizingKind.IsoCrop, "model kinds");
        var trainer = (CamLossImageClassificationTrainer)ml.MulticlassClassification.Trainers.CamLoss(options).Trainer;
        var model = trainer.Fit(dataset, options.Augmentation!);

        _zip = SaveZip(ml, prepare, model, OnnxMaps.CamAndCaam, data, raw.Schema, "model.zip");
        _zipWithoutMaps = SaveZip(ml, prepare, model, OnnxMaps.None, data, raw.Schema, "model-without-maps.zip");

        // The network saw ML.NET's 32 × 32 resize; the graphs record a resize of their own for the 24 × 24 images.
        var preprocessing = new ImagePipeline().Resize(32, 32);
        foreach (var step in model.Preprocessing.Transforms)
        {
            preprocessing = preprocessing.Append(step);
        }

        _model = new ImageClassificationModel(model.Network, model.Architecture, model.ClassNames, preprocessing, [3, 32, 32], model.TrainerName, model.History, null);
        _onnx = Path.Combine(_temp.Path, "model-graph.bin");   // no .onnx extension: the kind is read from the content
        OnnxExport.Save(_model, _onnx, new OnnxExportOptions { Maps = OnnxMaps.CamAndCaam });
        _onnxWithoutMaps = Path.Combine(_temp.Path, "model-without-maps.onnx");
        OnnxExport.Save(_model, _onnxWithoutMaps, new OnnxExportOptions { Maps = OnnxMaps.None });

        var text = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "a red flower" }, new TextRow { Text = "a dog" } });
        _textZip = Path.Combine(_temp.Path, "text.zip");
        ml.Model.Save(ml.Transforms.Text.FeaturizeText("Features", "Text").Fit(text), text.Schema, _textZip);

        // A run folder, as camloss train leaves it (the checkpoint describes its model); 32 × 32 as the network above.
        CliRun.Of("train", "--data", _images, "--arch", "resnet8", "--epochs", "1", "--image-size", "32", "--batch-size", "4", "--seed", "1", "--threads", "1", "--workers", "0",
            "--output", Path.Combine(_temp.Path, "trained.zip")).AssertSucceeded();
        _runFolder = Path.Combine(_temp.Path, "trained.run");
        _checkpoint = Path.Combine(_runFolder, "checkpoint.camloss-ckpt");
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _model.Dispose();
        _temp.Dispose();
    }

    [TestMethod]
    public void Detect_EachSavedForm_IsToldApartByContent()
    {
        Assert.AreEqual(ModelKind.MLNetModel, ModelSniffer.Detect(_zip));
        Assert.AreEqual(ModelKind.MLNetModel, ModelSniffer.Detect(_textZip), "an ML.NET zip, whoever fitted it; loading tells whether it is ours");
        Assert.AreEqual(ModelKind.OnnxGraph, ModelSniffer.Detect(_onnx));
        Assert.AreEqual(ModelKind.RunFolder, ModelSniffer.Detect(_runFolder));
        Assert.AreEqual(ModelKind.TrainingCheckpoint, ModelSniffer.Detect(_checkpoint));
        Assert.AreEqual(ModelKind.Missing, ModelSniffer.Detect(_images), "a folder without a checkpoint is no model");
        var renamed = _temp.Write("renamed.onnx", File.ReadAllBytes(_zip));
        Assert.AreEqual(ModelKind.MLNetModel, ModelSniffer.Detect(renamed), "never by the extension");
    }

    /// <summary>The zip scored by the CLI gives what ML.NET's own Model.Load and Evaluate give for it: the same accuracy and log-loss (same transformers, same pixels).</summary>
    [TestMethod]
    public void Evaluate_MLNetZip_SameMetricsAsMLNetsOwnEvaluate()
    {
        var run = CliRun.Of("evaluate", "--model", _zip, "--data", _images, "--json").AssertSucceeded();
        var metrics = JsonNode.Parse(run.Stdout)!;

        var ml = new MLContext(seed: 0);
        var loaded = ml.Model.Load(_zip, out _);
        var expected = ml.MulticlassClassification.Evaluate(loaded.Transform(ml.Data.LoadImageFolder(_images)));
        Assert.AreEqual(expected.MicroAccuracy, metrics["MicroAccuracy"]!.GetValue<double>(), 1e-12, "a count over 12 images: exact");
        Assert.AreEqual(expected.LogLoss, metrics["LogLoss"]!.GetValue<double>(), 1e-5, "the same probabilities; sums in another order");
    }

    [TestMethod]
    public void Predict_MLNetZipWithCam_SameLabelAsMLNetAndWritesThePicture()
    {
        var image = Directory.GetFiles(Path.Combine(_images, "c01")).Order(StringComparer.Ordinal).First();
        using var cams = new TempFolder();
        var run = CliRun.Of("predict", "--model", _zip, image, "--json", "--cam", cams.Path).AssertSucceeded();
        var prediction = JsonNode.Parse(run.Stdout)![0]!;

        var ml = new MLContext(seed: 0);
        var scored = ml.Model.Load(_zip, out _).Transform(ml.Data.LoadFromEnumerable(new[] { new ImageRow { ImagePath = image, Label = "c01" } }));
        var score = scored.GetColumn<float[]>("Score").Single();
        Assert.AreEqual($"c{Array.IndexOf(score, score.Max()):D2}", prediction["PredictedLabel"]!.GetValue<string>());
        Assert.AreEqual(score.Max(), prediction["Top"]![0]!["Probability"]!.GetValue<float>(), 1e-6f);
        Assert.IsTrue(File.Exists(prediction["Cam"]!.GetValue<string>()));
    }

    [TestMethod]
    [DataRow("zip")]
    [DataRow("onnx")]
    [DataRow("run folder")]
    [DataRow("checkpoint")]
    public void Explain_EachKindWithMaps_WritesTheGallery(string kind)
    {
        var model = kind switch { "zip" => _zip, "onnx" => _onnx, "run folder" => _runFolder, _ => _checkpoint };
        using var output = new TempFolder();
        CliRun.Of("explain", "--model", model, "--data", _images, "--out", output.Path, "--count", "3").AssertSucceeded();
        var gallery = JsonNode.Parse(File.ReadAllText(Path.Combine(output.Path, "gallery.json")))!;
        Assert.IsTrue(File.Exists(Path.Combine(output.Path, "gallery.png")));
        Assert.HasCount(3, gallery["images"]!.AsArray());
        CollectionAssert.AreEqual(new long[] { 32, 32 }, gallery["inputSize"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray(), "the pictures are what the network saw: 32 × 32");
    }

    /// <summary>
    /// The gallery of a graph (no gradients: Grad-CAM in its closed form ReLU(CAM) / (h·w)) shows what the gallery of its
    /// network shows (Grad-CAM by autograd): the same images, labels, and maps. Tolerance: the graph folds BatchNorm into the
    /// convolutions, so float32 sums differ in order; 1e-4 of each map's range (as the gallery's own Grad-CAM test).
    /// </summary>
    [TestMethod]
    public void Gallery_GraphAndItsNetwork_SameImagesLabelsAndMaps()
    {
        using var graph = new OnnxImageClassifier(_onnx);
        using var data = new TempFolder();
        var images = ImageFolder.Load(_images);
        var expected = CamLoss.Explain.ExplanationGallery.Write(_model, images, data.Folder("network"), count: 6, seed: 2);
        var actual = CamLoss.Explain.ExplanationGallery.Write(graph, images, data.Folder("graph"), count: 6, seed: 2);

        Assert.HasCount(expected.Entries.Count, actual.Entries);
        foreach (var (e, a) in expected.Entries.Zip(actual.Entries))
        {
            Assert.AreEqual(e.Source, a.Source);
            Assert.AreEqual(e.PredictedLabel, a.PredictedLabel, e.Source);
            Assert.AreEqual(e.Probability, a.Probability, 1e-4f, e.Source);
            foreach (var (mapE, mapA, name) in new[] { (e.Cam, a.Cam, "CAM"), (e.Caam, a.Caam, "CAAM"), (e.GradCam, a.GradCam, "Grad-CAM") })
            {
                Assert.AreEqual((mapE.Height, mapE.Width), (mapA.Height, mapA.Width), name);
                var tolerance = 1e-4 * Math.Max(mapE.Max - mapE.Min, 1e-6);
                for (var i = 0; i < mapE.Values.Length; i++)
                {
                    Assert.AreEqual(mapE.Values[i], mapA.Values[i], tolerance, $"{e.Source} {name} cell {i}");
                }
            }
        }
    }

    [TestMethod]
    public void Explain_OnnxWithoutMaps_OneLineSayingToExportWithCam() =>
        CliRun.Of("explain", "--model", _onnxWithoutMaps, "--data", _images, "--out", _temp.Folder("no-maps-gallery"))
            .AssertOneLineError(ExitCodes.Failure, _onnxWithoutMaps, "no Cam and Caam outputs", "camloss export --cam feature");

    [TestMethod]
    public void Explain_MLNetZipWithoutMaps_OneLineSayingToFitWithMaps() =>
        CliRun.Of("explain", "--model", _zipWithoutMaps, "--data", _images, "--out", _temp.Folder("no-maps-zip-gallery"))
            .AssertOneLineError(ExitCodes.Failure, _zipWithoutMaps, "no Cam and Caam columns", "OnnxMaps.CamAndCaam");

    [TestMethod]
    [DataRow("zip", "an ML.NET model zip")]
    [DataRow("onnx", "an ONNX graph")]
    public void Export_FromAScoringFile_OneLineSayingWhatToGive(string kind, string what)
    {
        var model = kind == "zip" ? _zip : _onnx;
        CliRun.Of("export", "--model", model, "--onnx", Path.Combine(_temp.Path, $"re-exported-{kind}.onnx"))
            .AssertOneLineError(ExitCodes.Usage, model, what, "export writes the network", "give --model the run folder of the training", "checkpoint.camloss-ckpt", "--arch");
        Assert.IsFalse(File.Exists(Path.Combine(_temp.Path, $"re-exported-{kind}.onnx")));
    }

    [TestMethod]
    [DataRow("zip")]
    [DataRow("onnx")]
    public void Distill_TeacherFromAScoringFile_OneLineBeforeTraining(string kind)
    {
        var teacher = kind == "zip" ? _zip : _onnx;
        var run = CliRun.Of("distill", "--teacher", teacher, "--student-arch", "resnet8", "--data", _images, "--output", Path.Combine(_temp.Path, $"student-{kind}.zip"));
        run.AssertOneLineError(ExitCodes.Usage, teacher, "teacher's features and CAMs come from its network", "give --teacher the run folder of the training", "--teacher-arch");
        Assert.DoesNotContain("Training", run.Stdout);
    }

    [TestMethod]
    [DataRow("zip")]
    [DataRow("onnx")]
    public void Predict_CheckpointOptionWithAScoringFile_UsageError(string kind)
    {
        var model = kind == "zip" ? _zip : _onnx;
        CliRun.Of("predict", "--model", model, "--resize", "32", Directory.GetFiles(Path.Combine(_images, "c00"))[0])
            .AssertOneLineError(ExitCodes.Usage, "--resize applies to PyTorch checkpoints", model, "records its own preprocessing");
    }

    [TestMethod]
    public void Predict_MLNetZipOfATextPipeline_OneLineSayingItIsNotOurs()
    {
        var image = Directory.GetFiles(Path.Combine(_images, "c00"))[0];
        CliRun.Of("predict", "--model", _textZip, image)
            .AssertOneLineError(ExitCodes.Failure, _textZip, "is an ML.NET model but not an image classifier fitted by camloss's trainers");
        var verbose = CliRun.Of("predict", "--model", _textZip, image, "--verbose");
        Assert.AreEqual(ExitCodes.Failure, verbose.ExitCode);
        Assert.StartsWith($"camloss predict: {_textZip}", verbose.Stderr);
        Assert.Contains("ModelFileException", verbose.Stderr, "--verbose adds the exception's details after the line");
    }

    [TestMethod]
    [DataRow(0.5)]
    [DataRow(0.95)]
    public void Evaluate_TruncatedMLNetZip_OneLineNamingTheFile(double keep)
    {
        var bytes = File.ReadAllBytes(_zip);
        var damaged = _temp.Write($"damaged-{keep}.zip", bytes.AsSpan(0, (int)(bytes.Length * keep)));
        CliRun.Of("evaluate", "--model", damaged, "--data", _images).AssertOneLineError(ExitCodes.Failure, damaged);
    }

    [TestMethod]
    public void Evaluate_ZipWithAnEntryDamaged_OneLineNamingTheFile()
    {
        var bytes = File.ReadAllBytes(_zip);
        var middle = bytes.Length / 3;
        for (var i = middle; i < middle + 4096; i++)
        {
            bytes[i] ^= 0x5A;   // inside a compressed entry: the zip's directory is intact, the entry is not
        }

        var damaged = _temp.Write("flipped.zip", bytes);
        Assert.AreEqual(ModelKind.MLNetModel, ModelSniffer.Detect(damaged));
        CliRun.Of("evaluate", "--model", damaged, "--data", _images).AssertOneLineError(ExitCodes.Failure, damaged, "is not an ML.NET model that can be loaded", "save the model again");
    }

    [TestMethod]
    public void Evaluate_MLNetZipOnDataWithAClassItLacks_OneLineNamingTheClass()
    {
        using var data = new TempFolder();
        foreach (var (from, to) in new[] { ("c00", "c00"), ("c01", "c01"), ("c02", "tulip") })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(_images, from)))
            {
                data.Write(Path.Combine("flowers", to, Path.GetFileName(file)), File.ReadAllBytes(file));
            }
        }

        CliRun.Of("evaluate", "--model", _zip, "--data", Path.Combine(data.Path, "flowers"))
            .AssertOneLineError(ExitCodes.Failure, "labelled 'tulip'", "a class the model was not trained on", "c00, c01, c02");
    }

    [TestMethod]
    public void Evaluate_MLNetZipOnABrokenImage_OneLineNamingItOrSkippedWhenAsked()
    {
        using var data = new TempFolder();
        foreach (var file in Directory.GetFiles(_images, "*.png", SearchOption.AllDirectories))
        {
            data.Write(Path.Combine("flowers", Path.GetFileName(Path.GetDirectoryName(file)!), Path.GetFileName(file)), File.ReadAllBytes(file));
        }

        var broken = data.Write("flowers/c01/broken.png", [.. File.ReadAllBytes(Directory.GetFiles(Path.Combine(_images, "c01"))[0]).AsSpan(0, 40)]);
        var root = Path.Combine(data.Path, "flowers");

        CliRun.Of("evaluate", "--model", _zip, "--data", root).AssertOneLineError(ExitCodes.Failure, broken, "could not read the image through ML.NET");
        var run = CliRun.Of("evaluate", "--model", _zip, "--data", root, "--json", "--skip-invalid-images").AssertSucceeded();
        var counts = JsonNode.Parse(run.Stdout)!["ConfusionMatrix"]!["Counts"]!.AsArray();
        Assert.AreEqual(12, counts.Sum(row => row!.AsArray().Sum(c => c!.GetValue<long>())), "the 12 readable images scored, the broken one left out");
    }

    [TestMethod]
    public void Predict_TruncatedOnnx_OneLineNamingTheFile()
    {
        var bytes = File.ReadAllBytes(_onnx);
        var truncated = _temp.Write("truncated.onnx", bytes.AsSpan(0, bytes.Length / 2));
        Assert.AreEqual(ModelKind.OnnxGraph, ModelSniffer.Detect(truncated), "the head is intact");
        CliRun.Of("predict", "--model", truncated, Directory.GetFiles(Path.Combine(_images, "c00"))[0])
            .AssertOneLineError(ExitCodes.Failure, truncated, "is not a model ONNX Runtime can load");
    }

    /// <summary>The run folder and its checkpoint are one model: the same metrics, and the same as the model training returned (scored in-process).</summary>
    [TestMethod]
    public void Evaluate_RunFolderAndItsCheckpoint_SameMetricsAsTheCheckpointsModel()
    {
        var folder = JsonNode.Parse(CliRun.Of("evaluate", "--model", _runFolder, "--data", _images, "--json").AssertSucceeded().Stdout)!;
        var file = JsonNode.Parse(CliRun.Of("evaluate", "--model", _checkpoint, "--data", _images, "--json").AssertSucceeded().Stdout)!;

        using var model = ImageClassificationModel.FromCheckpoint(_runFolder);
        var expected = model.Transform(ImageFolder.Load(_images)).Evaluate();
        foreach (var json in new[] { folder, file })
        {
            Assert.AreEqual(expected.MicroAccuracy, json["MicroAccuracy"]!.GetValue<double>(), 1e-12, "a count over 12 images: exact");
            Assert.AreEqual(expected.LogLoss, json["LogLoss"]!.GetValue<double>(), 1e-12, "the same network on the same pixels");
        }
    }

    [TestMethod]
    public void Export_RunFolder_WritesTheGraphOfItsNetwork()
    {
        var onnx = Path.Combine(_temp.Path, "from-run-folder.onnx");
        var run = CliRun.Of("export", "--model", _runFolder, "--onnx", onnx).AssertSucceeded();

        Assert.StartsWith($"{onnx}: ", run.Stdout);
        using var graph = new OnnxImageClassifier(onnx);
        using var model = ImageClassificationModel.FromCheckpoint(_checkpoint);
        CollectionAssert.AreEqual(model.ClassNames.ToArray(), graph.ClassNames.ToArray());
    }

    [TestMethod]
    public void Predict_ArchWithARunFolder_UsageErrorSayingItRecordsItsOwn() =>
        CliRun.Of("predict", "--model", _runFolder, "--arch", "resnet8", Directory.GetFiles(Path.Combine(_images, "c00"))[0])
            .AssertOneLineError(ExitCodes.Usage, "--arch applies to PyTorch checkpoints", _runFolder, "a run folder", "records its own preprocessing");

    [TestMethod]
    public void Predict_FolderWithoutACheckpoint_OneLineSayingWhatToGive() =>
        CliRun.Of("predict", "--model", _images, Directory.GetFiles(Path.Combine(_images, "c00"))[0])
            .AssertOneLineError(ExitCodes.Failure, _images, "holds no training checkpoint (checkpoint.camloss-ckpt)", "the run folder of a finished or stopped run");

    [TestMethod]
    public void Distill_TeacherFromARunFolder_TrainsTheStudent()
    {
        var student = Path.Combine(_temp.Path, "student-of-run-folder.zip");
        var run = CliRun.Of(
            "distill", "--teacher", _runFolder, "--student-arch", "resnet8", "--mode", "ccm", "--data", _images, "--epochs", "1", "--image-size", "32",
            "--batch-size", "4", "--seed", "1", "--threads", "1", "--workers", "0", "--output", student).AssertSucceeded();

        Assert.Contains("CcmDistillation ResNet8", run.Stdout);
        Assert.AreEqual(ModelKind.MLNetModel, ModelSniffer.Detect(student));
    }

    private static string SaveZip(MLContext ml, ITransformer prepare, ImageClassificationModel model, OnnxMaps maps, IDataView data, DataViewSchema schema, string name)
    {
        var fitted = ImageClassificationEstimator.ToTransformer(ml, model, ImageColumnKind.Bytes, "Image", "Label", (32, 32), ImageResizingEstimator.ResizingKind.IsoCrop, maps, MapResolution.Feature, data);
        var path = Path.Combine(_temp.Path, name);
        ml.Model.Save(new TransformerChain<ITransformer>(prepare, fitted), schema, path);
        return path;
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = string.Empty;
    }

    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }
}
