using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Pipelines;

/// <summary>Each trainer trains through the public API and reports its own loss terms; the prediction engine is thread-safe.</summary>
[TestClass]
public sealed class TrainersTests
{
    private static string s_directory = null!;
    private static string s_teacherPath = null!;

    [ClassInitialize]
    public static void TrainTeacher(TestContext context)
    {
        s_directory = Directory.CreateTempSubdirectory("camloss-trainers-").FullName;
        var (ml, data) = Flowers();
        using var teacher = Preprocessing(ml).Append(ml.MulticlassClassification.Trainers.CrossEntropy(Options(new CrossEntropyImageClassificationTrainer.Options()))).Fit(data);
        s_teacherPath = Path.Combine(s_directory, "teacher.camloss");
        teacher.Save(s_teacherPath);
    }

    [ClassCleanup]
    public static void DeleteDirectory() => Directory.Delete(s_directory, recursive: true);

    [TestMethod]
    public void Icasc_Flowers_ReportsSeparationAndConsistencyTerms()
    {
        var (ml, data) = Flowers();
        var reports = new List<TrainingProgress>();
        using var model = Preprocessing(ml).Append(ml.MulticlassClassification.Trainers.Icasc(Options(new IcascImageClassificationTrainer.Options { Attention = AttentionKind.GradCam })))
            .Fit(data, new SynchronousProgress<TrainingProgress>(reports.Add));
        CollectionAssert.AreEquivalent(new[] { "ce", "as_inner", "as_last", "ac" }, reports.Last().Terms.Keys.ToArray());
        Assert.IsTrue(reports.Last().Terms.Values.All(double.IsFinite));
        Assert.IsTrue(double.IsNaN(reports.Last().Alpha));
        Assert.AreEqual("Icasc", model.TrainerName);
    }

    [TestMethod]
    [DataRow(DistillationMethod.Kd, new[] { "ce", "kd" })]
    [DataRow(DistillationMethod.At, new[] { "ce", "kd", "transfer" })]
    [DataRow(DistillationMethod.Ccm, new[] { "ce", "kd", "transfer" })]
    public void CcmDistillation_TeacherModelFile_TrainsStudentWithTheMethodsTerms(DistillationMethod method, string[] terms)
    {
        var (ml, data) = Flowers();
        var reports = new List<TrainingProgress>();
        var options = Options(new CcmDistillationTrainer.Options { TeacherPath = s_teacherPath, Method = method });
        using var student = Preprocessing(ml).Append(ml.MulticlassClassification.Trainers.CcmDistillation(options))
            .Fit(data, new SynchronousProgress<TrainingProgress>(reports.Add));
        CollectionAssert.AreEquivalent(terms, reports.Last().Terms.Keys.ToArray());
        Assert.AreEqual(Architecture.ResNet8, student.Architecture);
        Assert.AreEqual("CcmDistillation", student.TrainerName);
    }

    [TestMethod]
    public void CcmDistillation_PyTorchCheckpointTeacherWithoutArchitecture_ThrowsAskingForIt()
    {
        var checkpoint = SharedData.Require("pretrained/cifar10-resnet/resnet20-12fca82f.th");
        var (ml, data) = Flowers();
        var trainer = ml.MulticlassClassification.Trainers.CcmDistillation(Options(new CcmDistillationTrainer.Options { TeacherPath = checkpoint }));
        var error = Assert.ThrowsExactly<ArgumentException>(() => Preprocessing(ml).Append(trainer).Fit(data));
        StringAssert.Contains(error.Message, "set TeacherArchitecture");
    }

    [TestMethod]
    public void CcmDistillation_TeacherWithOtherClassCount_ThrowsNamingBoth()
    {
        var checkpoint = SharedData.Require("pretrained/cifar10-resnet/resnet20-12fca82f.th");
        var (ml, data) = Flowers();
        var trainer = ml.MulticlassClassification.Trainers.CcmDistillation(Options(new CcmDistillationTrainer.Options { TeacherPath = checkpoint, TeacherArchitecture = Architecture.ResNet20 }));
        var error = Assert.ThrowsExactly<ArgumentException>(() => Preprocessing(ml).Append(trainer).Fit(data));
        StringAssert.Contains(error.Message, "classifier for 10 classes");
        StringAssert.Contains(error.Message, "the data has 12 classes");
    }

    [TestMethod]
    public void Icasc_PipelineWithMixup_ThrowsBeforeTraining()
    {
        var (ml, data) = Flowers();
        var pipeline = Preprocessing(ml).Append(ml.Transforms.Mixup()).Append(ml.MulticlassClassification.Trainers.Icasc(Options(new IcascImageClassificationTrainer.Options())));
        var error = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(data));
        StringAssert.Contains(error.Message, "mixes images with Mixup");
    }

    [TestMethod]
    public void CamLoss_WithMixupAndEarlyStopping_TrainsAndKeepsTheBestEpoch()
    {
        var (ml, data) = Flowers();
        var options = Options(new CamLossImageClassificationTrainer.Options { CamLossStartEpoch = 0, Epochs = 3, ValidationFraction = 0.25 });
        options.EarlyStopping = new EarlyStoppingOptions { Patience = 1, Metric = EarlyStoppingMetric.LogLoss };
        var reports = new List<TrainingProgress>();
        using var model = Preprocessing(ml).Append(ml.Transforms.Mixup(alpha: 0.4)).Append(ml.MulticlassClassification.Trainers.CamLoss(options))
            .Fit(data, new SynchronousProgress<TrainingProgress>(reports.Add));
        var epochs = reports.Where(r => r.IsEpochEnd).ToList();
        Assert.IsTrue(epochs.All(r => r.Validation is not null));
        Assert.AreEqual(60, epochs[0].Validation!.ConfusionMatrix.ClassNames.Count * 5);
        Assert.AreEqual(epochs.Count, model.History.Count);
    }

    [TestMethod]
    public void PredictionEngine_ManyThreadsAtOnce_GiveTheSequentialPredictions()
    {
        var (ml, data) = Flowers();
        using var model = ml.Model.Load(s_teacherPath);
        var engine = model.CreatePredictionEngine(new ScoringOptions { IncludeCam = true });
        var images = data.Take(16).Select(s => s.Image.FilePath!).ToArray();
        var expected = images.Select(engine.Predict).ToArray();
        var actual = new ImagePrediction[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t => actual[t] = images.Select(engine.Predict).ToArray());
        foreach (var run in actual)
        {
            for (var i = 0; i < images.Length; i++)
            {
                Assert.AreEqual(expected[i].PredictedLabel, run[i].PredictedLabel, images[i]);
                for (var c = 0; c < expected[i].Score.Length; c++)
                {
                    Assert.AreEqual(expected[i].Score[c], run[i].Score[c], 1e-5, images[i]);
                }
            }
        }
    }

    [TestMethod]
    public void Options_OutOfRange_ThrowNamingTheOption()
    {
        var (ml, data) = Flowers();
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            Preprocessing(ml).Append(ml.MulticlassClassification.Trainers.CamLoss(new CamLossImageClassificationTrainer.Options { Architecture = Architecture.ResNet8, Epochs = 0 })).Fit(data));
        StringAssert.Contains(error.Message, "Epochs must be at least 1; got 0.");
        var early = Assert.ThrowsExactly<ArgumentException>(() => Preprocessing(ml).Append(ml.MulticlassClassification.Trainers.CamLoss(
            new CamLossImageClassificationTrainer.Options { Architecture = Architecture.ResNet8, EarlyStopping = new EarlyStoppingOptions() })).Fit(data));
        StringAssert.Contains(early.Message, "EarlyStopping needs validation data");
    }

    private static (CamLossContext Ml, ImageDataset Data) Flowers()
    {
        var ml = new CamLossContext(seed: 5);
        return (ml, ml.Data.LoadImageFolder(Path.Combine(SharedData.Require("flowers12"), "test")));
    }

    private static ImageTransformEstimator Preprocessing(CamLossContext ml) =>
        ml.Transforms.LoadImages().Append(ml.Transforms.ResizeImages(32, 32)).Append(ml.Transforms.NormalizeImageNet());

    private static T Options<T>(T options)
        where T : ImageClassificationTrainerOptions
    {
        options.Architecture = Architecture.ResNet8;
        options.Epochs = Math.Max(options.Epochs == 160 ? 1 : options.Epochs, 1);
        options.BatchSize = 32;
        options.LearningRate = 0.05;
        return options;
    }
}
