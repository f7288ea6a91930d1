// Distillation: a ResNet-20 student learns CIFAR-10 from a ResNet-56 teacher with CCM (the CAM-loss
// paper's class-agnostic CAM matching: the student's CAAM is pulled toward the teacher's CAM of the
// true class, on top of cross-entropy and KD), through the ML.NET API:
// mlContext.MulticlassClassification.Trainers.Distillation. The teacher is a file the trainer reads
// when Fit starts: here the published PyTorch checkpoint (legacy torch.save, read without Python) with
// its architecture (a checkpoint does not record it).
//   dotnet run -c Release --project samples/Distillation [-- --train-images 10000 --epochs 5 --test-images 10000 --baseline]
//   quick run (a minute or two on 2 cores):
//   dotnet run -c Release --project samples/Distillation -- --train-images 500 --test-images 200 --epochs 1 --threads 1
// Data and teacher default to the project's shared folder, relative to the repository root:
// ../shared/data/cifar10-jpeg (image folders of 32×32 JPEGs) and ../shared/data/pretrained/cifar10-resnet.
// It prints ML.NET's test metrics for each student and saves the CCM student as an ML.NET model zip.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Samples;
using Microsoft.ML.CamLoss.Samples.Distillation;
using Microsoft.ML.CamLoss.Training;

if (!SampleArguments.TryRead(args, DistillationSettings.Parse, DistillationSettings.Usage, out var settings))
{
    return 2;
}

if (!File.Exists(settings.TeacherPath))
{
    return SampleArguments.Fail($"the teacher {Path.GetFullPath(settings.TeacherPath)} does not exist; pass --teacher.", DistillationSettings.Usage);
}

var ml = new MLContext(seed: 1);
IDataView fullTrain, fullTest;
try
{
    fullTrain = ml.Data.LoadImageFolder(Path.Combine(settings.DataRoot, "train"));   // ImagePath, Label; folders in CIFAR-10's class order
    fullTest = ml.Data.LoadImageFolder(Path.Combine(settings.DataRoot, "test"));
}
catch (DatasetException e)
{
    return SampleArguments.Fail(e.Message, DistillationSettings.Usage);
}

var train = SampleData.EveryNth(ml, fullTrain, settings.TrainImages);   // the same share of every class
var test = SampleData.EveryNth(ml, fullTest, settings.TestImages);
Console.WriteLine($"CIFAR-10: {SampleData.Count(ml, train).Rows:N0} training and {SampleData.Count(ml, test).Rows:N0} test images");
Console.WriteLine($"Teacher: ResNet-56 from {Path.GetFileName(settings.TeacherPath)} (published: 93.39 % on the original CIFAR-10)");

// The student: the paper's CIFAR recipe (pad-4 crop, flip, SGD 0.1 cosine, batch 128), fewer epochs and images.
// The teacher reads the student's batch, so both get the ImageNet normalisation the published teacher was trained with.
T Student<T>(T options) where T : ImageClassificationTrainerOptions
{
    options.Architecture = Architecture.ResNet20;
    options.ImageSize = (32, 32);
    options.Augmentation = new ImagePipeline().RandomCrop(32, padding: 4).HorizontalFlip().NormalizeImageNet();
    options.Epochs = settings.Epochs;
    options.BatchSize = 128;
    options.LearningRate = 0.1;
    options.Seed = 1;
    options.Threads = settings.Threads;
    return options;
}

var students = new List<(string Name, ImageClassificationEstimator Trainer)>
{
    ("CCM", ml.MulticlassClassification.Trainers.Distillation(Student(new CcmDistillationTrainer.Options
    {
        TeacherPath = settings.TeacherPath,
        TeacherArchitecture = Architecture.ResNet56,   // a PyTorch checkpoint does not say its architecture
        Method = DistillationMethod.Ccm,               // L = 0.5·CE + 0.5·KD(τ = 4) + 1·|N(CAAM_student) − N(CAM_teacher,y)|
        Progress = SampleReport.EpochLines("  [CCM] "),
    }))),
};
if (settings.Baseline)
{
    students.Add(("cross-entropy", ml.MulticlassClassification.Trainers.CrossEntropy(Student(new CrossEntropyImageClassificationTrainer.Options
    {
        Progress = SampleReport.EpochLines("  [cross-entropy] "),
    }))));
}

foreach (var (name, trainer) in students)
{
    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.Transforms.LoadRawImageBytes("Image", imageFolder: null, "ImagePath"))
        .Append(trainer)
        .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    var clock = Stopwatch.StartNew();
    var student = pipeline.Fit(train);
    var trainingTime = clock.Elapsed;
    var metrics = ml.MulticlassClassification.Evaluate(student.Transform(test));
    Console.WriteLine($"Student ResNet-20 ({name}, {settings.Epochs} epochs, {trainingTime.TotalSeconds:F0} s): {SampleReport.Line(metrics)}");
    if (name == "CCM")
    {
        var loaded = SampleReport.SaveAndLoad(ml, student, train.Schema, settings.ModelPath);
        SampleReport.PredictSome(ml, loaded, test);
    }
}

return 0;
