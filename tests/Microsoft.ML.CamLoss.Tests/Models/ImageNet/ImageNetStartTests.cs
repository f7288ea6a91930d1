using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Models.ImageNet;

/// <summary>
/// Trainers start from the ImageNet weights when told to, and by default for ResNet-18: the package's network,
/// a new head, the weights' preprocessing in the model and its checkpoint; and say what to do when the start cannot be.
/// On data the tests make themselves (the 24×16 fixture JPEG in two classes).
/// </summary>
[TestClass]
public sealed class ImageNetStartTests
{
    private TempFolder _temp = null!;

    [TestInitialize]
    public void CreateFolder()
    {
        ImageNetFeatureParityTests.RequirePackage();
        _temp = new TempFolder();
    }

    [TestCleanup]
    public void DeleteFolder() => _temp?.Dispose();

    [TestMethod]
    public void Fit_ResNet18WithNoWeightsNamed_StartsFromImageNetWithTheWeightsPreprocessing()
    {
        var data = Data();
        using var reference = ImageNetWeights.ResNet18(numClasses: 2);

        using var model = Trainer(o => o.LearningRate = 0).Fit(data, Preprocessing());   // lr 0: the weights stay as loaded

        Assert.AreEqual(Architecture.ResNet18Cntk, model.Architecture);
        Assert.IsFalse(model.Preprocessing.Transforms.Any(t => t is NormalizeTransform), model.Preprocessing.ToString());
        Assert.AreSame(ImageNetWeights.ResNet18Preprocessing, model.Preprocessing.Transforms[^1]);
        var trained = model.Network.state_dict();
        foreach (var (name, value) in reference.state_dict().Where(p => p.Key.EndsWith(".weight", StringComparison.Ordinal) && !p.Key.StartsWith("fc.", StringComparison.Ordinal)))
        {
            TensorAssert.Equal(value, trained[name], name);
        }
    }

    [TestMethod]
    public void FromCheckpoint_ModelFromImageNet_LoadsWithTheSameMeanImageAndScores()
    {
        var data = Data();
        var run = Path.Combine(_temp.Path, "imagenet.run");
        float[] before;
        using (var model = Trainer(o => o.CheckpointDirectory = run).Fit(data, Preprocessing()))
        {
            before = model.CreatePredictionEngine().Predict(data[0].Image).Score;
        }

        using var loaded = ImageClassificationModel.FromCheckpoint(run);

        Assert.AreEqual(Architecture.ResNet18Cntk, loaded.Architecture);
        var mean = loaded.Preprocessing.Transforms.OfType<MeanImageNormalizeTransform>().Single();
        Assert.IsTrue(mean.SameAs(ImageNetWeights.ResNet18Preprocessing), "mean image and std bit for bit");
        CollectionAssert.AreEqual(before, loaded.CreatePredictionEngine().Predict(data[0].Image).Score);
    }

    [TestMethod]
    public void Fit_PretrainedWeightsNone_TrainsTorchvisionResNet18FromScratch()
    {
        var data = Data();

        using var model = Trainer(o => o.PretrainedWeights = PretrainedWeights.None).Fit(data, Preprocessing());

        Assert.AreEqual(Architecture.ResNet18, model.Architecture);
        Assert.IsInstanceOfType<NormalizeTransform>(model.Preprocessing.Transforms[^1]);
    }

    [TestMethod]
    public void Fit_ImageNetWithAPipelineThatDoesNotNormalise_AppendsTheWeightsPreprocessing()
    {
        var data = Data();

        using var model = Trainer(o => o.PretrainedWeights = PretrainedWeights.ImageNet).Fit(data, new ImagePipeline().Resize(32, 32));

        Assert.AreSame(ImageNetWeights.ResNet18Preprocessing, model.Preprocessing.Transforms[^1]);
    }

    [TestMethod]
    public void Fit_ImageNetWithOtherNormalisation_ThrowsSayingWhatToDo()
    {
        var data = Data();
        var pipeline = new ImagePipeline().Resize(32, 32).Normalize([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

        var error = Assert.ThrowsExactly<ArgumentException>(() => Trainer(_ => { }).Fit(data, pipeline));

        StringAssert.Contains(error.Message, "mean (0.5, 0.5, 0.5)");
        StringAssert.Contains(error.Message, "NormalizeImageNet()");
        StringAssert.Contains(error.Message, "PretrainedWeights = None");
    }

    [TestMethod]
    public void Fit_ImageNetForResNet50_ThrowsNamingResNet18()
    {
        var data = Data();

        var error = Assert.ThrowsExactly<ArgumentException>(() => Trainer(o => { o.Architecture = Architecture.ResNet50; o.PretrainedWeights = PretrainedWeights.ImageNet; }).Fit(data, Preprocessing()));

        StringAssert.Contains(error.Message, "ResNet18 only");
        StringAssert.Contains(error.Message, "Architecture is ResNet50");
    }

    [TestMethod]
    public void Fit_WeightsFileAndImageNet_ThrowsSayingSetOne()
    {
        var data = Data();

        var error = Assert.ThrowsExactly<ArgumentException>(() => Trainer(o => { o.PretrainedWeightsPath = "resnet18.pth"; o.PretrainedWeights = PretrainedWeights.ImageNet; }).Fit(data, Preprocessing()));

        StringAssert.Contains(error.Message, "'resnet18.pth'");
        StringAssert.Contains(error.Message, "set one");
    }

    [TestMethod]
    [DataRow(Architecture.ResNet18, PretrainedWeights.Default, true, true, Architecture.ResNet18Cntk)]
    [DataRow(Architecture.ResNet18Cntk, PretrainedWeights.Default, true, true, Architecture.ResNet18Cntk)]
    [DataRow(Architecture.ResNet18, PretrainedWeights.ImageNet, false, true, Architecture.ResNet18Cntk)]
    [DataRow(Architecture.ResNet18, PretrainedWeights.Default, false, false, Architecture.ResNet18)]
    [DataRow(Architecture.ResNet18, PretrainedWeights.None, true, false, Architecture.ResNet18)]
    [DataRow(Architecture.ResNet18Cntk, PretrainedWeights.None, true, false, Architecture.ResNet18Cntk)]
    [DataRow(Architecture.ResNet50, PretrainedWeights.Default, true, false, Architecture.ResNet50)]
    [DataRow(Architecture.ResNet20, PretrainedWeights.Default, true, false, Architecture.ResNet20)]
    public void Resolve_ArchitectureAndChoice_StartsAndBuildsAsDocumented(Architecture architecture, PretrainedWeights choice, bool imageNetByDefault, bool expectImageNet, Architecture expectBuilt)
    {
        var options = new CrossEntropyImageClassificationTrainer.Options { Architecture = architecture, PretrainedWeights = choice };

        var (imageNet, built) = StartingWeights.Resolve(options, imageNetByDefault);

        Assert.AreEqual(expectImageNet, imageNet);
        Assert.AreEqual(expectBuilt, built);
    }

    [TestMethod]
    public void Resolve_WeightsFileWithDefault_UsesTheFileAndTheOptionsArchitecture()
    {
        var options = new CrossEntropyImageClassificationTrainer.Options { Architecture = Architecture.ResNet18, PretrainedWeightsPath = "resnet18.pth" };

        Assert.AreEqual((false, Architecture.ResNet18), StartingWeights.Resolve(options, imageNetByDefault: true));
    }

    [TestMethod]
    public void Conventions_Package_SayWhatDiffersFromTorchvision()
    {
        var conventions = string.Join("\n", ImageNetWeights.Conventions);

        StringAssert.Contains(conventions, "the network reads BGR");
        StringAssert.Contains(conventions, "pixel values 0–255 minus a 224×224 mean image");
        StringAssert.Contains(conventions, "conv1, layer2.0.conv1, layer3.0.conv1, layer4.0.conv1, maxpool pad CNTK-style");
        StringAssert.Contains(conventions, "averages fixed 7×7 windows");
        StringAssert.Contains(conventions, "ε = 1e-5");
        StringAssert.Contains(conventions, "255 × torchvision's ImageNet std");
    }

    [TestMethod]
    public void ResNet18_Package_IsTorchvisionResNet18WithAThirdBlockInLayer4()
    {
        using var imported = ImageNetWeights.ResNet18(numClasses: 10);
        using var torchvision = Backbones.Create(Architecture.ResNet18, 10);

        var extra = imported.state_dict().Keys.Except(torchvision.state_dict().Keys).ToList();

        Assert.IsTrue(extra.All(k => k.StartsWith("layer4.2.", StringComparison.Ordinal)), string.Join(", ", extra));
        Assert.IsEmpty(torchvision.state_dict().Keys.Except(imported.state_dict().Keys));
        var backbone = imported.named_parameters().Where(p => !p.name.StartsWith("fc.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
        Assert.AreEqual(11_176_512L + (2 * 512 * 512 * 9) + (2 * 2 * 512), backbone, "torchvision's ResNet-18 before the head, plus two 3×3 512→512 convolutions and their BatchNorms");
    }

    [TestMethod]
    public void LoadBackbone_TorchvisionResNet18_ThrowsNamingTheExtraBlock()
    {
        using var torchvision = Backbones.Create(Architecture.ResNet18, 2);

        var error = Assert.ThrowsExactly<ArgumentException>(() => ImageNetWeights.LoadBackbone(torchvision));

        StringAssert.Contains(error.Message, "[2, 2, 2, 3] blocks (Architecture.ResNet18Cntk)");
        StringAssert.Contains(error.Message, "unexpected keys: layer4.2.conv1.weight");
    }

    [TestMethod]
    public void MeanImageNormalize_FloatAndByteInput_GiveTheSameValues()
    {
        var transform = ImageNetWeights.ResNet18Preprocessing;
        using var scope = NewDisposeScope();
        var bytes = randint(0, 256, [3, 224, 224], dtype: ScalarType.Byte);

        var fromBytes = transform.Apply(bytes, new SeededRandom(0));
        var fromFloats = transform.Apply(bytes.to(ScalarType.Float32) / 255f, new SeededRandom(0));

        TensorAssert.Close(fromBytes, fromFloats, 0, 1e-6, "(x·255 − M)/std from [0, 1] floats vs uint8 (float32 rounding of x/255·255 on values ≤ 255, over std ≈ 57)");
        var expected = (bytes.to(ScalarType.Float32) - tensor(transform.MeanImage.ToArray(), [3, 224, 224])) / tensor(transform.Std.ToArray(), [3, 1, 1]);
        TensorAssert.Close(expected, fromBytes, 0, 0, "(uint8 − mean image) / std");
        CollectionAssert.AreEqual(new[] { 0.229f * 255, 0.224f * 255, 0.225f * 255 }, transform.Std.ToArray(), "255 × torchvision's ImageNet std");
    }

    [TestMethod]
    public void MeanImageNormalize_OtherSize_SubtractsTheResizedMeanImage()
    {
        var transform = ImageNetWeights.ResNet18Preprocessing;
        using var scope = NewDisposeScope();
        var image = zeros([3, 112, 96], ScalarType.Byte);

        var result = transform.Apply(image, new SeededRandom(0));

        var expected = ImageFunctional.Resize(tensor(transform.MeanImage.ToArray(), [3, 224, 224]), 112, 96).neg() / tensor(transform.Std.ToArray(), [3, 1, 1]);
        TensorAssert.Close(expected, result, 0, 0, "(0 − bilinear-resized mean image) / std");
    }

    [TestMethod]
    public void PreprocessingJson_MeanImage_RoundTripsBitForBit()
    {
        var pipeline = new ImagePipeline().Resize(256).CenterCrop(224).Append(ImageNetWeights.ResNet18Preprocessing);

        var read = PreprocessingJson.Read(PreprocessingJson.Write(pipeline), "run/checkpoint");

        var mean = read.Transforms.OfType<MeanImageNormalizeTransform>().Single();
        Assert.IsTrue(mean.SameAs(ImageNetWeights.ResNet18Preprocessing), "mean image and std bit for bit");
        Assert.AreEqual((3, 224, 224), (mean.Channels, mean.Height, mean.Width));
    }

    private ImageDataset Data() => ImageFolder.Load(SyntheticTrees.ImageFolder(_temp, "pictures", 4, "cat", "dog"));

    private static ImagePipeline Preprocessing() => new ImagePipeline().Resize(32, 32).HorizontalFlip().NormalizeImageNet();

    private static CrossEntropyImageClassificationTrainer Trainer(Action<CrossEntropyImageClassificationTrainer.Options> configure)
    {
        var options = new CrossEntropyImageClassificationTrainer.Options { Architecture = Architecture.ResNet18, Epochs = 1, BatchSize = 4, LearningRate = 0.01, DataLoaderWorkers = 0, Seed = 5 };
        configure(options);
        return new CrossEntropyImageClassificationTrainer(options);
    }
}
