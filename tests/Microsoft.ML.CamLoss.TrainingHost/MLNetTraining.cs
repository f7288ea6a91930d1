using System.Text.Json;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;

namespace Microsoft.ML.CamLoss.TrainingHost;

/// <summary>
/// The small ML.NET run the tests share (ResNet-8 at 32×32, seed 7, one libtorch thread, no loader workers, fp32), and a
/// child process that fits it through the ML.NET API with checkpoints (<c>mlnet-train</c>), so that a test can kill it and
/// resume it with <see cref="ImageClassificationTrainerOptions.ResumeFrom"/>; it writes the fitted model's scores as JSON.
/// </summary>
public static class MLNetTraining
{
    /// <summary>The CAM-loss options of the small run (CAM column on).</summary>
    public static CamLossImageClassificationTrainer.Options Options(string? checkpointDirectory = null, int epochs = 2) => new()
    {
        Architecture = Architecture.ResNet8,
        ImageSize = (32, 32),
        Epochs = epochs,
        BatchSize = 12,
        LearningRate = 0.05,
        CamLossStartEpoch = 1,
        Seed = 7,
        Threads = 1,
        DataLoaderWorkers = 0,
        Precision = TrainingPrecision.Fp32,
        Augmentation = new ImagePipeline().HorizontalFlip().NormalizeImageNet(),
        Maps = OnnxMaps.Cam,
        CheckpointDirectory = checkpointDirectory,
    };

    /// <summary>Label to key, bytes from the path, the trainer.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, CamLossImageClassificationTrainer.Options options) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadRawImageBytes("Image", null, "ImagePath"))
            .Append(ml.MulticlassClassification.Trainers.CamLoss(options));

    /// <summary><c>mlnet-train</c>: fits 3 epochs on the image folder (or resumes), then writes every image's scores.</summary>
    public static int Run(string imagesRoot, string checkpointDirectory, string outputPath, bool resume)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadImageFolder(imagesRoot);
        var options = Options(checkpointDirectory, epochs: 3);
        options.Logger = new ConsoleLogger();
        options.ResumeFrom = resume ? checkpointDirectory : null;
        var model = Pipeline(ml, options).Fit(data);
        var scores = model.Transform(data).GetColumn<float[]>("Score").ToList();
        File.WriteAllText(outputPath, JsonSerializer.Serialize(scores));
        Console.WriteLine("done");
        return 0;
    }
}
