using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.CamLoss.Tests.FewShot;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary>
/// Distillation from a teacher fitted through the ML.NET API: its model zip holds ONNX, so the teacher is the run's
/// training checkpoint (<c>CheckpointDirectory</c>), which <c>Trainers.Distillation</c> reads as <c>TeacherPath</c>.
/// </summary>
[TestClass]
public sealed class MLNetCheckpointTeacherTests
{
    [TestMethod]
    public void Distillation_TeacherIsCheckpointDirectoryOfMLNetFit_StudentFitsAndScores()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 4));
        var teacherRun = Path.Combine(temp.Path, "teacher.run");
        MLNetScenario.Pipeline(ml, MLNetScenario.Options(teacherRun, epochs: 1)).Fit(data);

        var student = Pipeline(ml, StudentOptions(teacherRun)).Fit(data);

        var scores = student.Transform(data).GetColumn<float[]>("Score").ToList();
        Assert.HasCount(12, scores);
        Assert.IsTrue(scores.All(s => s.Length == 3 && Math.Abs(s.Sum() - 1) < 1e-5), "probabilities over the teacher's 3 classes");   // softmax in float32
    }

    [TestMethod]
    public void CheckpointTeacherLoad_CheckpointOfFit_SameWeightsAsTheFittedNetwork()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2));
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath")).Fit(raw).Transform(raw);
        var run = Path.Combine(temp.Path, "run");
        var options = MLNetScenario.Options(run, epochs: 1);
        var dataset = DataViewImages.ToDataset(ml, data, "Image", "Label", ["c00", "c01", "c02"], (32, 32), ImageResizingEstimator.ResizingKind.IsoCrop, "teacher");
        var trainer = (CamLossImageClassificationTrainer)ml.MulticlassClassification.Trainers.CamLoss(options).Trainer;
        using var model = trainer.Fit(dataset, options.Augmentation!);

        using var teacher = CheckpointTeacher.Load(Path.Combine(run, ImageClassificationTrainer.CheckpointFileName), numClasses: 3);

        var fitted = model.Network.state_dict();
        var loaded = teacher.state_dict();
        CollectionAssert.AreEqual(fitted.Keys.ToList(), loaded.Keys.ToList());
        foreach (var (name, tensor) in fitted)
        {
            Assert.IsTrue(tensor.cpu().Equals(loaded[name]), $"{name} differs");   // exact: the checkpoint stores float32 master weights
        }
    }

    [TestMethod]
    public void Distillation_CheckpointTeacherWithOtherClassCount_NamesBothCounts()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var teacherRun = Path.Combine(temp.Path, "teacher.run");
        MLNetScenario.Pipeline(ml, MLNetScenario.Options(teacherRun, epochs: 1)).Fit(ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2)));
        var twoClasses = ml.Data.LoadImageFolder(ColourImageFolder.Write(temp, "two", classes: 2, perClass: 2));

        var error = Assert.ThrowsExactly<ArgumentException>(() => Pipeline(ml, StudentOptions(teacherRun)).Fit(twoClasses));
        Assert.AreEqual(
            $"Teacher '{Path.Combine(teacherRun, ImageClassificationTrainer.CheckpointFileName)}' predicts 3 classes but the training data has 2; a teacher must know the student's classes.",
            error.Message);
    }

    [TestMethod]
    public void Distillation_CheckpointTeacherFromImageNetWeights_RefusedWithTheFix()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(MLNetScenario.Images(temp, perClass: 2));
        var teacherRun = Path.Combine(temp.Path, "teacher.run");
        var teacherOptions = MLNetScenario.Options(teacherRun, epochs: 1);
        teacherOptions.Architecture = Architecture.ResNet18;
        teacherOptions.PretrainedWeights = PretrainedWeights.ImageNet;
        teacherOptions.Augmentation = new ImagePipeline().HorizontalFlip();
        teacherOptions.BatchSize = 6;
        MLNetScenario.Pipeline(ml, teacherOptions).Fit(data);

        var error = Assert.ThrowsExactly<ArgumentException>(() => Pipeline(ml, StudentOptions(teacherRun)).Fit(data));
        StringAssert.StartsWith(error.Message, $"Teacher '{Path.Combine(teacherRun, ImageClassificationTrainer.CheckpointFileName)}' was trained from the ImageNet weights");
        StringAssert.Contains(error.Message, "Train the teacher with PretrainedWeights = None");
    }

    /// <summary>A ResNet-8 student of the small run (see <see cref="MLNetScenario"/>), CCM from <paramref name="teacherPath"/>.</summary>
    private static CcmDistillationTrainer.Options StudentOptions(string teacherPath) => new()
    {
        TeacherPath = teacherPath,
        Architecture = Architecture.ResNet8,
        ImageSize = (32, 32),
        Epochs = 1,
        BatchSize = 12,
        LearningRate = 0.05,
        Seed = 7,
        Threads = 1,
        DataLoaderWorkers = 0,
        Precision = TrainingPrecision.Fp32,
        Augmentation = new ImagePipeline().HorizontalFlip().NormalizeImageNet(),
    };

    private static IEstimator<ITransformer> Pipeline(MLContext ml, CcmDistillationTrainer.Options options) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath"))
            .Append(ml.MulticlassClassification.Trainers.Distillation(options));
}
