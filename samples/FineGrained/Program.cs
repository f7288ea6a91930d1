// FineGrained: fine-grained image classification with CAM-loss through the ML.NET API, on CUB-200-2011
// (birds, the default) or Stanford Dogs (--dataset dogs): one program for both.
//   dotnet run -c Release --project samples/FineGrained -- [--dataset cub|dogs] [--data FOLDER] [--epochs N] [--classes N] …
//   quick run (5 species, 1 epoch, a minute or two on 2 cores):
//   dotnet run -c Release --project samples/FineGrained -- --classes 5 --epochs 1 --threads 1
// CUB defaults to the project's subset in ../shared/data/cub200-subset/CUB_200_2011 (the official layout,
// relative to the repository root); Stanford Dogs needs --data, the folder as published (Images/ and lists/).
// The network starts from the ImageNet ResNet-18 that comes with the library (the NuGet package
// Microsoft.ML.DnnImageFeaturizer.ResNet18, read offline) with a new head, as the CAM-loss paper's
// transfer protocol does: SGD with cosine decay, CAM-loss (α = 3) switched on once training accuracy
// passes 50 %. --weights resnet50.pth fine-tunes a torchvision ImageNet checkpoint instead (the paper's
// ResNet-50, lr 0.001, a 10× head); --weights none trains from scratch at 112×112.
// It prints ML.NET's test metrics, saves an ordinary ML.NET model zip (artifacts/cub.zip or dogs.zip),
// loads it back, evaluates it again and predicts a few test images with ML.NET's prediction engine.
using Microsoft.ML;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Samples;
using Microsoft.ML.CamLoss.Samples.FineGrained;
using Microsoft.ML.CamLoss.Training;

if (!SampleArguments.TryRead(args, FineGrainedSettings.Parse, FineGrainedSettings.Usage, out var settings))
{
    return 2;
}

var ml = new MLContext(seed: 1);
IDataView train, test;
try
{
    // Columns ImagePath and Label (text), and the bounding box (BoxX, BoxY, BoxWidth, BoxHeight) when the layout has one.
    (train, test) = settings.Dataset == FineGrainedDataset.Cub
        ? (ml.Data.LoadCub200(settings.DataRoot, DataSplit.Train), ml.Data.LoadCub200(settings.DataRoot, DataSplit.Test))
        : (ml.Data.LoadStanfordDogs(settings.DataRoot, DataSplit.Train), ml.Data.LoadStanfordDogs(settings.DataRoot, DataSplit.Test));
}
catch (DatasetException e)
{
    return SampleArguments.Fail(e.Message, FineGrainedSettings.Usage);
}

(train, test) = SampleData.FirstClasses(ml, train, test, settings.Classes);
var (trainCount, classCount) = SampleData.Count(ml, train);
Console.WriteLine($"{settings.Dataset}: {trainCount:N0} training and {SampleData.Count(ml, test).Rows:N0} test images, {classCount} classes");
Console.WriteLine(settings);

var size = settings.ImageSize;
var options = new CamLossImageClassificationTrainer.Options
{
    LabelColumnName = "Label",
    ImageColumnName = "Image",
    Architecture = settings.Architecture,
    ImageSize = (size, size),   // ML.NET's ResizeImages (scale the shorter side, crop the centre) in training and scoring alike
    Augmentation = new ImagePipeline().RandomCrop(size, padding: size / 14).HorizontalFlip().NormalizeImageNet(),
    Epochs = settings.Epochs,
    BatchSize = settings.BatchSize,
    LearningRate = settings.LearningRate,
    WeightDecay = 5e-4,
    Seed = 1,
    Threads = settings.Threads,
    Progress = SampleReport.EpochLines("  "),
};
if (settings.FromScratch)
{
    options.PretrainedWeights = PretrainedWeights.None;
    options.CamLossStartEpoch = Math.Max(1, settings.Epochs / 4);
}
else
{
    if (settings.WeightsPath is { } weights)
    {
        options.PretrainedWeightsPath = weights;     // torchvision's state-dict names
        options.ReplaceClassifier = true;            // ImageNet's 1000-class head → a new head
        options.HeadLearningRateMultiplier = 10;     // the new head learns 10× faster than the pretrained backbone
    }
    else
    {
        // The library's ImageNet ResNet-18 (its mean image replaces NormalizeImageNet). The head keeps the backbone's
        // lr 0.01: 10× (lr 0.1 on 512 pooled features) is past SGD's stability limit and the loss blows up in epoch 2.
        options.PretrainedWeights = PretrainedWeights.ImageNet;
    }

    options.AdaptiveStart = true;                    // α = 3 from the epoch after training accuracy exceeds 50 %
}

var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")                      // class names become the key values
    .Append(ml.Transforms.LoadRawImageBytes("Image", imageFolder: null, "ImagePath"))
    .Append(ml.MulticlassClassification.Trainers.CamLoss(options))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));              // the predicted class's name

var model = pipeline.Fit(train);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
Console.WriteLine($"Test: {SampleReport.Line(metrics)}");

// An ordinary ML.NET model file; an application loads it with ML.NET's Model.Load and needs no training code.
var loaded = SampleReport.SaveAndLoad(ml, model, train.Schema, settings.ModelPath);
Console.WriteLine($"Test, loaded model: {SampleReport.Line(ml.MulticlassClassification.Evaluate(loaded.Transform(test)))}");
SampleReport.PredictSome(ml, loaded, test);
return 0;
