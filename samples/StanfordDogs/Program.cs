// StanfordDogs: Model Builder-style image classification on Stanford Dogs with CAM-loss.
//   dotnet run -c Release --project samples/StanfordDogs -- <Stanford Dogs folder> [--weights imagenet|none|resnet50.pth] [--epochs N] [--image-size S] …
// The folder is the data set as published: Images/n<wnid>-<Breed>/*.jpg and the official split in
// lists/train_list.mat and lists/test_list.mat (Annotation/ is not needed).
// By default it fine-tunes the ImageNet ResNet-18 that comes with the library (the NuGet package
// Microsoft.ML.DnnImageFeaturizer.ResNet18, read offline) as the CAM-loss paper's transfer protocol does:
// a new 120-class head at 10× the learning rate, SGD with cosine decay, CAM-loss switched on once
// training accuracy passes 50%, at a CPU-sized number of epochs. (Stanford Dogs' breeds are ImageNet
// classes, so ImageNet features give it a head start.) --weights resnet50.pth fine-tunes a torchvision
// ImageNet checkpoint instead (the paper's ResNet-50, lr 0.001); --weights none trains a ResNet-18 from
// scratch at 112×112: a few minutes per epoch on a laptop CPU; expect low accuracy.
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Samples.StanfordDogs;
using Microsoft.ML.CamLoss.Training;

if (!DogsSettings.TryParse(args, out var settings, out var error))
{
    Console.Error.WriteLine(error);
    return 2;
}

if (!Directory.Exists(Path.Combine(settings.DataRoot, "Images")))
{
    Console.Error.WriteLine($"Stanford Dogs not found: {Path.GetFullPath(settings.DataRoot)} has no Images folder. {DogsSettings.Usage}");
    return 2;
}

var ml = new CamLossContext(seed: 1);
var train = ml.Data.LoadStanfordDogs(settings.DataRoot, DataSplit.Train);
var test = ml.Data.LoadStanfordDogs(settings.DataRoot, DataSplit.Test);
Console.WriteLine($"{train.Count:N0} training and {test.Count:N0} test images, {train.Classes.Count} breeds");
Console.WriteLine(settings);

var options = new CamLossImageClassificationTrainer.Options
{
    Architecture = settings.Architecture,
    Epochs = settings.Epochs,
    BatchSize = settings.BatchSize,
    LearningRate = settings.LearningRate,
    WeightDecay = 5e-4,
    ProgressInterval = 20,
};
if (settings.FromScratch)
{
    options.PretrainedWeights = PretrainedWeights.None;   // random initialisation
    options.CamLossStartEpoch = Math.Max(1, settings.Epochs / 4);
}
else
{
    if (settings.WeightsPath is { } weights)
    {
        options.PretrainedWeightsPath = weights;       // a torchvision checkpoint: torchvision's state-dict names
        options.ReplaceClassifier = true;              // ImageNet's 1000-class head → a new head
    }

    // Otherwise ResNet-18 starts from the library's ImageNet weights (the default), with a new head and the weights' own preprocessing.
    // The new head learns 10× faster than the pretrained backbone at a checkpoint's lr 0.001; at the ImageNet start's lr 0.01 it
    // keeps the backbone's rate (lr 0.1 on 512 pooled features is past SGD's stability limit: the loss blows up in epoch 2).
    options.HeadLearningRateMultiplier = settings.WeightsPath is null ? 1 : 10;
    options.AdaptiveStart = true;                      // α = 3 from the epoch after training accuracy exceeds 50%
}

var pipeline = ml.Transforms.LoadImages()
    .Append(ml.Transforms.ResizeShorterSide(settings.ImageSize * 8 / 7))        // 256 for 224, as torchvision's recipe
    .Append(ml.Transforms.RandomCrop(settings.ImageSize, settings.ImageSize))   // training; centre crop at scoring
    .Append(ml.Transforms.HorizontalFlip())
    .Append(ml.Transforms.NormalizeImageNet())                                     // from ImageNet: replaced by the weights' mean image
    .Append(ml.MulticlassClassification.Trainers.CamLoss(options));

var progress = new Progress<TrainingProgress>(p => Console.WriteLine(p));
using (var model = pipeline.Fit(train, progress))
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.ModelPath))!);
    model.Save(settings.ModelPath);
}

Console.WriteLine($"Saved {Path.GetFullPath(settings.ModelPath)}");

// Evaluate and predict with the saved model, as an application would.
using var loaded = ml.Model.Load(settings.ModelPath);
var metrics = ml.MulticlassClassification.Evaluate(loaded.Transform(test));
Console.WriteLine($"Test: MicroAccuracy {metrics.MicroAccuracy:P2}, MacroAccuracy {metrics.MacroAccuracy:P2}, top-{metrics.TopKPredictionCount} {metrics.TopKAccuracy:P2}, LogLoss {metrics.LogLoss:F3}");

var engine = loaded.CreatePredictionEngine();
foreach (var sample in test.Where((_, i) => i % Math.Max(1, test.Count / 5) == 0).Take(5))
{
    var prediction = engine.Predict(sample.Image);
    var top = string.Join(", ", prediction.Top(3).Select(t => $"{t.Label} {t.Probability:P0}"));
    Console.WriteLine($"{Path.GetFileName(sample.Image.Name)} (a {test.Classes[sample.Label]}): {top}");
}

return 0;
