using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>Each mistake a user can make training, scoring or reloading a model gets an error that names the file, class or step and says what to do.</summary>
[TestClass]
public sealed class BadInputTests
{
    private string _directory = null!;

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("camloss-bad-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    public void Fit_PretrainedWeightsWithOtherClassCount_ThrowsNamingBothCountsAndTheFix()
    {
        var data = Flowers();
        var weights = Path.Combine(_directory, "ten-classes.camlossw");
        using (var tenClasses = Backbones.Create(Architecture.ResNet8, 10))
        {
            tenClasses.SaveWeights(weights);
        }

        var error = Assert.ThrowsExactly<ArgumentException>(() => Trainer(o => o.PretrainedWeightsPath = weights).Fit(data, Preprocessing()));
        StringAssert.Contains(error.Message, weights);
        StringAssert.Contains(error.Message, "classifier for 10 classes");
        StringAssert.Contains(error.Message, "the data has 12 classes");
        StringAssert.Contains(error.Message, "ReplaceClassifier = true");

        using var model = Trainer(o => { o.PretrainedWeightsPath = weights; o.ReplaceClassifier = true; }).Fit(data, Preprocessing());
        Assert.HasCount(12, model.ClassNames);
    }

    [TestMethod]
    public void Fit_PretrainedWeightsOfAnotherArchitecture_ThrowsNamingTheKeys()
    {
        var data = Flowers();
        var weights = Path.Combine(_directory, "resnet20.camlossw");
        using (var other = Backbones.Create(Architecture.ResNet20, 12))
        {
            other.SaveWeights(weights);
        }

        var error = Assert.ThrowsExactly<ArgumentException>(() => Trainer(o => o.PretrainedWeightsPath = weights).Fit(data, Preprocessing()));
        StringAssert.Contains(error.Message, "do not fit CifarResNet");
        StringAssert.Contains(error.Message, "unexpected keys: layer1.1.conv1.weight");
    }

    [TestMethod]
    public void Transform_LabelUnseenInTraining_ThrowsNamingTheClassAndAnImage()
    {
        var data = Flowers();
        using var model = Trainer(_ => { }).Fit(data, Preprocessing());
        var renamed = ImageDataset.FromEnumerable(
            data.Take(3), s => s.Image, s => s.Label == 0 ? "orchid" : data.Classes[s.Label]);
        var error = Assert.ThrowsExactly<ArgumentException>(() => model.Transform(renamed));
        StringAssert.Contains(error.Message, "labelled 'orchid'");
        StringAssert.Contains(error.Message, "a class the model was not trained on");
        StringAssert.Contains(error.Message, data[0].Image.Name);
    }

    [TestMethod]
    public void FromCheckpoint_CorruptedWeights_ThrowsModelFileExceptionSayingCorrupt()
    {
        var path = Checkpoint();
        var bytes = File.ReadAllBytes(path);
        var weights = FindEntryData(path, bytes);
        bytes[weights + 100] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.ThrowsExactly<ModelFileException>(() => ImageClassificationModel.FromCheckpoint(path));
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "corrupt");
    }

    [TestMethod]
    [DataRow(true, "do not match their SHA-256")]
    [DataRow(false, "appears 2 times")]
    public void FromCheckpoint_RepeatedClassName_ThrowsNamingIt(bool keepChecksum, string detail)
    {
        var path = Checkpoint();
        Serialization.ManifestEdit.Rewrite(path, manifest =>
        {
            var classes = manifest["model"]!["classNames"]!.AsArray();
            classes[1] = classes[0]!.GetValue<string>();
            if (!keepChecksum)
            {
                manifest.Remove("fieldsSha256");   // as a file written before the checksum existed
            }
        });

        var error = Assert.ThrowsExactly<ModelFileException>(() => ImageClassificationModel.FromCheckpoint(path));
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, detail);
    }

    [TestMethod]
    public void FromCheckpoint_NewerFormatVersion_ThrowsSayingToUpdate()
    {
        var path = Checkpoint();
        Serialization.ManifestEdit.Rewrite(path, manifest => manifest["formatVersion"] = ModelArchive.FormatVersion + 1);

        var error = Assert.ThrowsExactly<ModelFileException>(() => ImageClassificationModel.FromCheckpoint(path));
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, $"format version {ModelArchive.FormatVersion + 1}");
        StringAssert.Contains(error.Message, "update Microsoft.ML.CamLoss", StringComparison.OrdinalIgnoreCase);
    }

    [TestMethod]
    public void FromCheckpoint_PyTorchCheckpoint_ThrowsPointingToFromPyTorchCheckpoint()
    {
        var checkpoint = SharedData.Require("pretrained/cifar10-resnet/resnet20-12fca82f.th");
        var error = Assert.ThrowsExactly<ModelFileException>(() => ImageClassificationModel.FromCheckpoint(checkpoint));
        StringAssert.Contains(error.Message, "PyTorch checkpoint");
        StringAssert.Contains(error.Message, "ImageClassificationModel.FromPyTorchCheckpoint(path, architecture, classNames)");
    }

    [TestMethod]
    public void Fit_LossBecomesNaN_ThrowsNamingEpochAndStepAndKeepsTheLastCheckpoint()
    {
        var data = Flowers();
        var checkpoints = Path.Combine(_directory, "run");
        var poisoned = new NaNAfter(data.Count);      // a camera that starts sending NaN pixels during the second epoch
        var preprocessing = Preprocessing().Append(poisoned);
        var trainer = Trainer(o => { o.Epochs = 3; o.CheckpointDirectory = checkpoints; });

        var error = Assert.ThrowsExactly<TrainingDivergedException>(() => trainer.Fit(data, preprocessing));
        Assert.AreEqual(1, error.Epoch);
        StringAssert.Contains(error.Message, $"at epoch 2 (0-based 1), step {error.Step} of 8");
        StringAssert.Contains(error.Message, "NaN");
        Assert.AreEqual(Path.Combine(checkpoints, ImageClassificationTrainer.CheckpointFileName), error.CheckpointPath);
        using var checkpoint = ModelArchive.Open(error.CheckpointPath!, ModelArchive.CheckpointKind);
        Assert.AreEqual(1, checkpoint.Manifest["position"]!["epoch"]!.GetValue<int>());
    }

    [TestMethod]
    public void Fit_LossNaNInTheFirstEpochWithACheckpointDirectory_SaysThereIsNoCheckpointYet()
    {
        var data = Flowers();
        var preprocessing = Preprocessing().Append(new NaNAfter(0));
        var trainer = Trainer(o => o.CheckpointDirectory = Path.Combine(_directory, "first"));
        var error = Assert.ThrowsExactly<TrainingDivergedException>(() => trainer.Fit(data, preprocessing));
        StringAssert.Contains(error.Message, "It diverged before the first epoch ended, so there is no checkpoint to go back to.");
        Assert.DoesNotContain("set CheckpointDirectory", error.Message, "the directory is set: the advice would be wrong");
        Assert.IsNull(error.CheckpointPath);
    }

    private static ImageDataset Flowers() => ImageFolder.Load(Path.Combine(SharedData.Require("flowers12"), "test"));

    private static ImagePipeline Preprocessing() => new ImagePipeline().Resize(32, 32).NormalizeImageNet();

    private static CamLossImageClassificationTrainer Trainer(Action<CamLossImageClassificationTrainer.Options> configure)
    {
        var options = new CamLossImageClassificationTrainer.Options { Architecture = Architecture.ResNet8, Epochs = 1, BatchSize = 32, LearningRate = 0.05, CamLossStartEpoch = 0, Seed = 3 };
        configure(options);
        return new CamLossImageClassificationTrainer(options);
    }

    /// <summary>The checkpoint of a one-epoch run: the file <see cref="ImageClassificationModel.FromCheckpoint"/> reads.</summary>
    private string Checkpoint()
    {
        var run = Path.Combine(_directory, "run");
        using (Trainer(o => o.CheckpointDirectory = run).Fit(Flowers(), Preprocessing()))
        {
        }

        return Path.Combine(run, ImageClassificationTrainer.CheckpointFileName);
    }

    /// <summary>Offset of the first byte of the weights entry's data in the zip.</summary>
    private static int FindEntryData(string path, byte[] bytes)
    {
        using var zip = ZipFile.OpenRead(path);
        var name = zip.Entries.Single(e => e.FullName.StartsWith("weights", StringComparison.Ordinal)).FullName;
        var header = System.Text.Encoding.ASCII.GetBytes(name);
        var at = bytes.AsSpan().IndexOf(header);
        Assert.IsGreaterThan(0, at);
        return at + header.Length + 64;
    }

    /// <summary>Passes images through unchanged until it has seen <c>count</c>, then makes every one NaN.</summary>
    private sealed class NaNAfter(int count) : IImageTransform
    {
        private int _seen;

        public Tensor Apply(Tensor image, SeededRandom random) =>
            Interlocked.Increment(ref _seen) > count ? image * double.NaN : image.clone();

        public IReadOnlyList<IImageTransform> ForScoring() => [];
    }
}
