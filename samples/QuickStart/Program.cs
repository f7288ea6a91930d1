// QuickStart: cross-entropy vs CAM-loss on Fashion-MNIST, on the CPU, in a few minutes.
// Trains the same small CIFAR-style ResNet twice (same seed, data, augmentation, schedule; only
// the loss differs), prints test metrics side by side, and writes a picture of each model's class
// activation maps. Run with `build/quickstart.sh` or
//   dotnet run -c Release --project samples/QuickStart [-- --epochs 4 --train-images 60000 --arch ResNet8 --cam-start 1 --output DIR --threads N]
using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Samples.QuickStart;
using Microsoft.ML.CamLoss.Training;
using TorchSharp;

var settings = QuickStartSettings.Parse(args);
var total = Stopwatch.StartNew();
Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)} (libtorch {Version.Parse(torch.__version__).ToString(3)}), {Environment.ProcessorCount} cores, {settings.Threads ?? torch.get_num_threads()} threads");

// Fashion-MNIST from Debian's dataset-fashion-mnist package (28×28 grey, 10 classes).
var ml = new CamLossContext(seed: 1);
var fullTrain = ml.Data.LoadFashionMnist(DataSplit.Train);
var train = fullTrain.Subset(Enumerable.Range(0, Math.Min(settings.TrainImages, fullTrain.Count)));
var test = ml.Data.LoadFashionMnist(DataSplit.Test);
Console.WriteLine($"{settings}; {train.Count:N0} training images, {test.Count:N0} test images");

// Everything but the loss is shared: augmentation, network, optimiser, schedule, seed.
T Shared<T>(T options) where T : ImageClassificationTrainerOptions
{
    options.Architecture = settings.Architecture;
    options.Epochs = settings.Epochs;
    options.BatchSize = 128;
    options.LearningRate = 0.1;
    options.ProgressInterval = int.MaxValue;   // one line per epoch
    options.Threads = settings.Threads;
    return options;
}

var crossEntropy = Shared(new CrossEntropyImageClassificationTrainer.Options());
var camLoss = Shared(new CamLossImageClassificationTrainer.Options { CamLossWeight = 3, CamLossStartEpoch = settings.CamStartEpoch });

var results = new List<RunResult>();
foreach (var (name, trainer) in new (string, ImageClassificationTrainer)[]
{
    ("cross-entropy", ml.MulticlassClassification.Trainers.CrossEntropy(crossEntropy)),
    ("CAM-loss", ml.MulticlassClassification.Trainers.CamLoss(camLoss)),
})
{
    var pipeline = ml.Transforms.LoadImages()                      // grey images become RGB for the backbone
        .Append(ml.Transforms.RandomCrop(28, 28, padding: 2))      // training only; the whole image at scoring
        .Append(ml.Transforms.HorizontalFlip())
        .Append(ml.Transforms.NormalizeImageNet())
        .Append(trainer);

    Console.WriteLine($"\nTraining {settings.Architecture} with {name}:");
    var clock = Stopwatch.StartNew();
    var model = pipeline.Fit(train, progress: new ConsoleProgress(name));
    var trainingTime = clock.Elapsed;
    var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
    Console.WriteLine($"  {name}: trained in {trainingTime.TotalSeconds:F0} s, test accuracy {metrics.MicroAccuracy:P2} (evaluated in {(clock.Elapsed - trainingTime).TotalSeconds:F1} s)");
    results.Add(new RunResult(name, model, metrics, trainingTime));
}

Console.WriteLine();
ResultsTable.Print(results, test.Count);

var output = Path.GetFullPath(settings.OutputDirectory);
var picture = CamGallery.Write(output, test, results[0].Model, results[1].Model, settings.GalleryImages);
Console.WriteLine($"\nCAM pictures: {picture}");
Console.WriteLine("  columns: image | cross-entropy CAM | CAM-loss CAM | CAM-loss CAAM (CAMs of each model's predicted class; jet colours, red = high)");
Console.WriteLine($"Output folder: {output}");
Console.WriteLine($"Total time: {total.Elapsed.TotalSeconds:F0} s");

foreach (var result in results)
{
    result.Model.Dispose();
}

return 0;
