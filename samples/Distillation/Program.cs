// Distillation: a ResNet-20 student learns CIFAR-10 from a ResNet-56 teacher with CCM (the CAM-loss
// paper's class-agnostic CAM matching: the student's CAAM is pulled toward the teacher's CAM of the
// true class, on top of cross-entropy and KD). The teacher is a published PyTorch checkpoint
// (legacy torch.save), read without Python.
//   dotnet run -c Release --project samples/Distillation [-- --train-images 10000 --epochs 5 --test-images 10000 --baseline]
// Data and teacher default to the project's shared folder, relative to the repository root:
// ../shared/data/cifar10-jpeg (ImageFolder, 32×32 JPEG) and ../shared/data/pretrained/cifar10-resnet.
using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Samples.Distillation;
using Microsoft.ML.CamLoss.Training;

var settings = DistillationSettings.Parse(args);
var ml = new CamLossContext(seed: 1);
var fullTrain = ml.Data.LoadImageFolder(Path.Combine(settings.DataRoot, "train"));
var fullTest = ml.Data.LoadImageFolder(Path.Combine(settings.DataRoot, "test"));
var train = EveryNth(fullTrain, settings.TrainImages);      // the same share of every class
var test = EveryNth(fullTest, settings.TestImages);
Console.WriteLine($"CIFAR-10: {train.Count:N0} of {fullTrain.Count:N0} training images, {test.Count:N0} of {fullTest.Count:N0} test images");

// The teacher, as published: its class order is CIFAR-10's, which the folder names follow; it expects ImageNet normalisation.
var normalize = ml.Transforms.LoadImages().Append(ml.Transforms.NormalizeImageNet());
using (var teacher = ml.Model.LoadPyTorchCheckpoint(settings.TeacherPath, Architecture.ResNet56, fullTrain.Classes, normalize.Pipeline, [3, 32, 32]))
{
    var clock = Stopwatch.StartNew();
    var metrics = ml.MulticlassClassification.Evaluate(teacher.Transform(test));
    Console.WriteLine($"Teacher ResNet-56 ({Path.GetFileName(settings.TeacherPath)}): test accuracy {metrics.MicroAccuracy:P2} ({clock.Elapsed.TotalSeconds:F0} s)");
}

// The student: the paper's CIFAR recipe (pad-4 crop, flip, SGD 0.1 cosine, batch 128), fewer epochs and images.
T Student<T>(T options) where T : ImageClassificationTrainerOptions
{
    options.Architecture = Architecture.ResNet20;
    options.Epochs = settings.Epochs;
    options.BatchSize = 128;
    options.LearningRate = 0.1;
    options.ProgressInterval = int.MaxValue;       // one line per epoch
    return options;
}

var trainers = new List<(string Name, ImageClassificationTrainer Trainer)>
{
    ("CCM", ml.MulticlassClassification.Trainers.CcmDistillation(Student(new CcmDistillationTrainer.Options
    {
        TeacherPath = settings.TeacherPath,
        TeacherArchitecture = Architecture.ResNet56,
        Method = DistillationMethod.Ccm,              // L = 0.5·CE + 0.5·KD(τ = 4) + 1·|N(CAAM_student) − N(CAM_teacher,y)|
    }))),
};
if (settings.Baseline)
{
    trainers.Add(("cross-entropy", ml.MulticlassClassification.Trainers.CrossEntropy(Student(new CrossEntropyImageClassificationTrainer.Options()))));
}

foreach (var (name, trainer) in trainers)
{
    var pipeline = ml.Transforms.LoadImages()
        .Append(ml.Transforms.RandomCrop(32, 32, padding: 4))
        .Append(ml.Transforms.HorizontalFlip())
        .Append(ml.Transforms.NormalizeImageNet())   // the teacher sees the student's batch, so it gets the normalisation it was trained with
        .Append(trainer);
    var clock = Stopwatch.StartNew();
    using var student = pipeline.Fit(train, new Progress<TrainingProgress>(p => { if (p.IsEpochEnd) Console.WriteLine($"  [{name}] {p}"); }));
    var trainingTime = clock.Elapsed;
    var metrics = ml.MulticlassClassification.Evaluate(student.Transform(test));
    Console.WriteLine($"Student ResNet-20 ({name}, {settings.Epochs} epochs, {trainingTime.TotalSeconds:F0} s): test accuracy {metrics.MicroAccuracy:P2}, LogLoss {metrics.LogLoss:F3}");
}

return 0;

// Every k-th sample, k chosen so that about `count` remain: the same share of every class of an ImageFolder.
static ImageDataset EveryNth(ImageDataset data, int count)
{
    var step = Math.Max(1, data.Count / Math.Max(1, count));
    return data.Subset(Enumerable.Range(0, data.Count).Where(i => i % step == 0).Take(count));
}
