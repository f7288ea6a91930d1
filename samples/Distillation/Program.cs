// Distillation: a ResNet-20 student learns CIFAR-10 from a ResNet-56 teacher with CCM (the CAM-loss
// paper's class-agnostic CAM matching: the student's CAAM is pulled toward the teacher's CAM of the
// true class, on top of cross-entropy and KD), through the ML.NET API:
// mlContext.MulticlassClassification.Trainers.Distillation. The teacher is a file the trainer reads
// when Fit starts: by default the published PyTorch checkpoint (legacy torch.save, read without Python)
// with its architecture (a checkpoint does not record it); with --train-teacher N a ResNet-56 fitted here
// through ML.NET for N epochs, handed over as its training checkpoint (CheckpointDirectory).
//   dotnet run -c Release --project samples/Distillation [-- --train-images 10000 --epochs 5 --test-images 10000 --baseline --train-teacher N]
//   quick run (a minute or two on 2 cores):
//   dotnet run -c Release --project samples/Distillation -- --train-images 500 --test-images 200 --epochs 1 --threads 1
// Data and teacher default to the project's shared folder, relative to the repository root:
// ../shared/data/cifar10-jpeg (image folders of 32×32 JPEGs) and ../shared/data/pretrained/cifar10-resnet.
// The published teacher is first scored through ML.NET (mlContext.Transforms.ApplyPyTorchClassifier).
// It prints ML.NET's test metrics for each model and saves the CCM student as an ML.NET model zip.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Samples;
using Microsoft.ML.CamLoss.Samples.Distillation;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;

if (!SampleArguments.TryRead(args, DistillationSettings.Parse, DistillationSettings.Usage, out var settings))
{
    return 2;
}

if (settings.TeacherEpochs is null && !File.Exists(settings.TeacherPath))
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
// The recipe of student and trained teacher: the paper's CIFAR recipe (pad-4 crop, flip, SGD 0.1 cosine, batch 128), fewer
// epochs and images. The teacher reads the student's batch, so both get the ImageNet normalisation the published teacher was
// trained with.
T Recipe<T>(T options, Architecture architecture, int epochs, string name) where T : ImageClassificationTrainerOptions
{
    options.Architecture = architecture;
    options.ImageSize = (32, 32);
    options.Augmentation = new ImagePipeline().RandomCrop(32, padding: 4).HorizontalFlip().NormalizeImageNet();
    options.Epochs = epochs;
    options.BatchSize = 128;
    options.LearningRate = 0.1;
    options.Seed = 1;
    options.Threads = settings.Threads;
    options.Progress = SampleReport.EpochLines($"  [{name}] ");
    return options;
}

// Fits MapValueToKey → LoadRawImageBytes → the trainer → MapKeyToValue and prints ML.NET's test metrics.
ITransformer FitAndEvaluate(IEstimator<ITransformer> trainer, string title)
{
    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.Transforms.LoadRawImageBytes("Image", imageFolder: null, "ImagePath"))
        .Append(trainer)
        .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    var clock = Stopwatch.StartNew();
    var model = pipeline.Fit(train);
    var trainingTime = clock.Elapsed;
    Console.WriteLine($"{title}, {trainingTime.TotalSeconds:F0} s: {SampleReport.Line(ml.MulticlassClassification.Evaluate(model.Transform(test)))}");
    return model;
}

// The teacher is a file the distillation trainer reads: the published PyTorch checkpoint with its architecture (a checkpoint
// does not record it), or, with --train-teacher N, the training checkpoint of a teacher fitted here through ML.NET (its model
// zip holds ONNX; the checkpoint in its CheckpointDirectory holds the weights and says the architecture).
var teacherPath = settings.TeacherPath;
Architecture? teacherArchitecture = Architecture.ResNet56;
if (settings.TeacherEpochs is { } teacherEpochs)
{
    teacherPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.ModelPath))!, "teacher.run");
    if (Directory.Exists(teacherPath))
    {
        Directory.Delete(teacherPath, recursive: true);   // a new run, not a resume of an earlier one
    }

    var teacherOptions = Recipe(new CrossEntropyImageClassificationTrainer.Options(), Architecture.ResNet56, teacherEpochs, "teacher");
    teacherOptions.CheckpointDirectory = teacherPath;
    FitAndEvaluate(ml.MulticlassClassification.Trainers.CrossEntropy(teacherOptions), $"Teacher ResNet-56 (cross-entropy, {teacherEpochs} epochs, checkpoints in {teacherPath})");
    teacherArchitecture = null;
}
else
{
    // The published checkpoint scored through ML.NET (nothing trained): its classes are CIFAR-10's, in the order of the folders.
    var classNames = fullTrain.GetColumn<string>("Label").Distinct().ToList();
    var teacher = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.Transforms.LoadRawImageBytes("Image", imageFolder: null, "ImagePath"))
        .Append(ml.Transforms.ApplyPyTorchClassifier(teacherPath, Architecture.ResNet56, classNames, imageSize: (32, 32)))   // NormalizeImageNet by default
        .Fit(test);
    Console.WriteLine($"Teacher ResNet-56 ({Path.GetFileName(teacherPath)}; published: 93.39 % on the original CIFAR-10): {SampleReport.Line(ml.MulticlassClassification.Evaluate(teacher.Transform(test)))}");
}

var ccm = FitAndEvaluate(
    ml.MulticlassClassification.Trainers.Distillation(Recipe(new CcmDistillationTrainer.Options
    {
        TeacherPath = teacherPath,
        TeacherArchitecture = teacherArchitecture,
        Method = DistillationMethod.Ccm,               // L = 0.5·CE + 0.5·KD(τ = 4) + 1·|N(CAAM_student) − N(CAM_teacher,y)|
    }, Architecture.ResNet20, settings.Epochs, "CCM")),
    $"Student ResNet-20 (CCM, {settings.Epochs} epochs)");
var loaded = SampleReport.SaveAndLoad(ml, ccm, train.Schema, settings.ModelPath);
SampleReport.PredictSome(ml, loaded, test);

if (settings.Baseline)
{
    FitAndEvaluate(
        ml.MulticlassClassification.Trainers.CrossEntropy(Recipe(new CrossEntropyImageClassificationTrainer.Options(), Architecture.ResNet20, settings.Epochs, "cross-entropy")),
        $"Student ResNet-20 (cross-entropy, {settings.Epochs} epochs)");
}

return 0;
