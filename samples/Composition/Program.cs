// Composition: the CAM-loss trainer as one step of an ordinary ML.NET pipeline. The images are listed in
// a CSV file (relative paths, as ML.NET's own image samples keep them) read with LoadFromTextFile; the
// pipeline is ML.NET's MapValueToKey → LoadImages → ResizeImages → our trainer (it takes its input size
// from the resized column) → MapKeyToValue; ML.NET's TrainTestSplit holds out a test set, CrossValidate
// scores K folds of the rest, and the final model is fitted, evaluated (confusion matrix with class
// names), saved as an ML.NET zip, loaded back and used through a prediction engine.
//   dotnet run -c Release --project samples/Composition [-- --trainer camloss|icasc|crossentropy --folds 3 --epochs 3 --image-size 128]
//   quick run (about a minute on 2 cores):
//   dotnet run -c Release --project samples/Composition -- --images 120 --folds 2 --epochs 1 --image-size 64 --threads 1
// The images default to ../shared/data/flowers12/train (12 flower species, relative to the repository root); any
// image folder (<class>/<image>) works with --data. The network is the ImageNet ResNet-18 that comes with the library.
using Microsoft.ML;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Samples;
using Microsoft.ML.CamLoss.Samples.Composition;
using Microsoft.ML.CamLoss.Training;

if (!SampleArguments.TryRead(args, CompositionSettings.Parse, CompositionSettings.Usage, out var settings))
{
    return 2;
}

var ml = new MLContext(seed: 1);
var root = Path.GetFullPath(settings.DataRoot);
string listPath;
try
{
    listPath = WriteImageList(ml, root, settings.Images, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.ModelPath))!, "images.csv"));
}
catch (DatasetException e)
{
    return SampleArguments.Fail(e.Message, CompositionSettings.Usage);
}

// ML.NET reads the list; TrainTestSplit keeps 20 % apart for the final test.
var data = ml.Data.LoadFromTextFile<ImageListRow>(listPath, separatorChar: ',', hasHeader: true, allowQuoting: true);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
var (images, classes) = SampleData.Count(ml, data);
Console.WriteLine($"{images} images of {classes} classes listed in {listPath}; {SampleData.Count(ml, split.TrainSet).Rows} for training and cross-validation, {SampleData.Count(ml, split.TestSet).Rows} held out");

var size = settings.ImageSize;
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.Transforms.LoadImages("Loaded", imageFolder: root, "ImagePath"))
    .Append(ml.Transforms.ResizeImages("Image", size, size, "Loaded"))   // the trainer reads its input size from this column
    .Append(Trainer(settings))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
Console.WriteLine($"{settings.Trainer} on the ImageNet ResNet-18 at {size}×{size}, {settings.Epochs} epochs per fit");

// Cross-validation: ML.NET fits the whole pipeline once per fold.
var folds = ml.MulticlassClassification.CrossValidate(split.TrainSet, pipeline, numberOfFolds: settings.Folds);
foreach (var fold in folds)
{
    Console.WriteLine($"  fold {fold.Fold + 1}/{settings.Folds}: {SampleReport.Line(fold.Metrics)}");
}

var accuracies = folds.Select(f => f.Metrics.MicroAccuracy).ToArray();
var mean = accuracies.Average();
var std = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / Math.Max(1, accuracies.Length - 1));
Console.WriteLine($"Cross-validation: MicroAccuracy {mean:P2} ± {std:P2} (mean ± sample std over {settings.Folds} folds)");

// The final model on all the training rows, evaluated on the held-out rows.
var model = pipeline.Fit(split.TrainSet);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Held-out test: {SampleReport.Line(metrics)}");
Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());

var loaded = SampleReport.SaveAndLoad(ml, model, data.Schema, settings.ModelPath);
Console.WriteLine($"Held-out test, loaded model: {SampleReport.Line(ml.MulticlassClassification.Evaluate(loaded.Transform(split.TestSet)))}");
SampleReport.PredictSome(ml, loaded, split.TestSet);
return 0;

// The trainer, on an image column ResizeImages already sized (ImageSize null: the column's size).
IEstimator<ITransformer> Trainer(CompositionSettings settings)
{
    T Common<T>(T options) where T : ImageClassificationTrainerOptions
    {
        options.ImageColumnName = "Image";
        options.LabelColumnName = "Label";
        options.ImageSize = null;
        options.PretrainedWeights = PretrainedWeights.ImageNet;
        options.Augmentation = new ImagePipeline().RandomCrop(size, padding: size / 14).HorizontalFlip().NormalizeImageNet();
        options.Epochs = settings.Epochs;
        options.BatchSize = 16;
        options.LearningRate = 0.01;
        options.Seed = 1;
        options.Threads = settings.Threads;
        return options;
    }

    return settings.Trainer switch
    {
        TrainerChoice.Icasc => ml.MulticlassClassification.Trainers.Icasc(Common(new IcascImageClassificationTrainer.Options())),
        TrainerChoice.CrossEntropy => ml.MulticlassClassification.Trainers.CrossEntropy(Common(new CrossEntropyImageClassificationTrainer.Options())),
        _ => ml.MulticlassClassification.Trainers.CamLoss(Common(new CamLossImageClassificationTrainer.Options { AdaptiveStart = true })),
    };
}

// Lists the image folder as CSV (path relative to the folder, class), about `count` images with the same share of each class.
static string WriteImageList(MLContext ml, string root, int? count, string path)
{
    var rows = ml.Data.CreateEnumerable<LabeledImage>(SampleData.EveryNth(ml, ml.Data.LoadImageFolder(root), count), reuseRowObject: false);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllLines(path, ["ImagePath,Label", .. rows.Select(r => $"{Quoted(Path.GetRelativePath(root, r.ImagePath))},{Quoted(r.Label)}")]);
    return path;

    static string Quoted(string field) => $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";   // CSV quoting: a comma or quote in a name stays in its field
}
