using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Accuracy;

/// <summary>The comparisons behind the README's accuracy table, with CPU-sized settings printed next to the results.</summary>
internal static class Comparisons
{
    /// <summary>
    /// Fashion-MNIST (Debian package), ResNet-20, seeds × (cross-entropy, CAM-loss from epoch 1). Not the
    /// adaptive start: in runs this short the 50% training accuracy comes too late for α to start at all.
    /// </summary>
    public static void FashionMnist(int epochs, int seeds, int trainImages)
    {
        Console.WriteLine($"Fashion-MNIST, ResNet-20, {trainImages} train images (stratified) / 10,000 test, {epochs} epochs, batch 128, SGD lr 0.1 momentum 0.9 wd 5e-4 cosine, crop 28 pad 2 + flip, CAM-loss c = 3 from epoch t = 1 (the paper's t = 20 of 160, scaled down)");
        CrossEntropyVsCamLoss($"Fashion-MNIST ResNet-20 {trainImages} images {epochs} epochs", seeds, seed => FashionMnistRun(seed, epochs, trainImages, TrainingPrecision.Auto));
    }

    /// <summary>One seed's Fashion-MNIST setup (see <see cref="FashionMnist"/>), training in <paramref name="precision"/>.</summary>
    public static SeedRun FashionMnistRun(int seed, int epochs, int trainImages, TrainingPrecision precision)
    {
        var all = Idx.LoadFashionMnist(DataSplit.Train);
        var train = trainImages < all.Count ? all.SplitTrainValidation(1 - ((double)trainImages / all.Count), (ulong)seed).Train : all;
        var test = Idx.LoadFashionMnist(DataSplit.Test);
        var preprocessing = new ImagePipeline()
            .RandomCrop(28, padding: 2)
            .HorizontalFlip()
            .NormalizeImageNet();
        return new SeedRun(
            preprocessing, train, test,
            () => new CrossEntropyImageClassificationTrainer(Shared(new CrossEntropyImageClassificationTrainer.Options(), seed, Architecture.ResNet20, epochs, 128, 0.1, precision)),
            () =>
            {
                var options = Shared(new CamLossImageClassificationTrainer.Options(), seed, Architecture.ResNet20, epochs, 128, 0.1, precision);
                options.CamLossStartEpoch = 1;
                return new CamLossImageClassificationTrainer(options);
            });
    }

    /// <summary>The CUB subset (100 species), ResNet-18 from scratch: cross-entropy vs CAM-loss (from epoch 1, and with the adaptive start) vs ICASC.</summary>
    public static void Cub(string root, int epochs, int imageSize)
    {
        var resize = imageSize * 8 / 7;
        Console.WriteLine($"CUB-200-2011 subset (100 species, 2,999 train / 2,903 test), ResNet-18 from scratch, {epochs} epochs, batch 32, SGD lr 0.05 momentum 0.9 wd 5e-4 cosine with 1 warm-up epoch, resize {resize} + random crop {imageSize} + flip (centre crop to score), CAM-loss c = 3 from epoch 1, and from the epoch after training accuracy passes 50 % (adaptive start)");
        const int seed = 1;
        var train = Cub200.Load(root, DataSplit.Train);
        var test = Cub200.Load(root, DataSplit.Test);
        var preprocessing = new ImagePipeline()
            .Resize(resize, resize)
            .RandomCrop(imageSize)
            .HorizontalFlip()
            .NormalizeImageNet();
        T Options<T>(T options)
            where T : ImageClassificationTrainerOptions
        {
            Shared(options, seed, Architecture.ResNet18, epochs, 32, 0.05);
            options.PretrainedWeights = PretrainedWeights.None;   // from scratch (ImageNet is the default start for ResNet-18)
            options.WarmupEpochs = 1;
            return options;
        }

        var results = new[]
        {
            ("cross-entropy", Experiment.Run("cross-entropy", preprocessing, new CrossEntropyImageClassificationTrainer(Options(new CrossEntropyImageClassificationTrainer.Options())), train, test)),
            ("CAM-loss", Experiment.Run("CAM-loss", preprocessing, new CamLossImageClassificationTrainer(Options(new CamLossImageClassificationTrainer.Options { CamLossStartEpoch = 1 })), train, test)),
            ("CAM-loss (adaptive start)", Experiment.Run("CAM-loss (adaptive start)", preprocessing, new CamLossImageClassificationTrainer(Options(new CamLossImageClassificationTrainer.Options { AdaptiveStart = true })), train, test)),
            ("ICASC", Experiment.Run("ICASC", preprocessing, new IcascImageClassificationTrainer(Options(new IcascImageClassificationTrainer.Options())), train, test)),
        };
        Console.WriteLine($"SUMMARY CUB subset ResNet-18 scratch {imageSize}px {epochs} epochs: {string.Join(", ", results.Select(r => $"{r.Item1} {100 * r.Item2:F2} %"))}");
    }

    /// <summary>
    /// Transfer, as the paper's Table 5 but CPU-sized: flowers12 (720 train / 240 test, 12 classes)
    /// fine-tuned from the published CIFAR-10 ResNet-56 with a new head, cross-entropy vs CAM-loss with
    /// the adaptive start METHOD.md recommends for fine-tuning, over seeds.
    /// </summary>
    public static void FlowersTransfer(string root, string weights, int epochs, int seeds, int imageSize)
    {
        var resize = imageSize * 9 / 8;
        Console.WriteLine($"flowers12 (720 train / 240 test, 12 classes), ResNet-56 from the published CIFAR-10 checkpoint with a new 12-class head, {epochs} epochs, batch 32, SGD lr 0.01 momentum 0.9 wd 5e-4 cosine, resize {resize} + random crop {imageSize} + flip (centre crop to score), CAM-loss c = 3 from the epoch after training accuracy passes 50 % (adaptive start)");
        CrossEntropyVsCamLoss($"flowers12 ResNet-56 (CIFAR-10 weights) {imageSize}px {epochs} epochs", seeds, seed => FlowersRun(seed, root, weights, epochs, imageSize, TrainingPrecision.Auto));
    }

    /// <summary>One seed's flowers12 transfer setup (see <see cref="FlowersTransfer"/>), training in <paramref name="precision"/>.</summary>
    public static SeedRun FlowersRun(int seed, string root, string weights, int epochs, int imageSize, TrainingPrecision precision)
    {
        var resize = imageSize * 9 / 8;
        var train = ImageFolder.Load(Path.Combine(root, "train"));
        var test = ImageFolder.Load(Path.Combine(root, "test"));
        var preprocessing = new ImagePipeline()
            .Resize(resize, resize)
            .RandomCrop(imageSize)
            .HorizontalFlip()
            .NormalizeImageNet();
        T FineTune<T>(T options)
            where T : ImageClassificationTrainerOptions
        {
            Shared(options, seed, Architecture.ResNet56, epochs, 32, 0.01, precision);
            options.PretrainedWeightsPath = weights;
            options.ReplaceClassifier = true;
            return options;
        }

        return new SeedRun(
            preprocessing, train, test,
            () => new CrossEntropyImageClassificationTrainer(FineTune(new CrossEntropyImageClassificationTrainer.Options())),
            () => new CamLossImageClassificationTrainer(FineTune(new CamLossImageClassificationTrainer.Options { AdaptiveStart = true })));
    }

    /// <summary>cifar10-jpeg: the published ResNet-56 as teacher, a ResNet-20 student from scratch: baseline, KD, AT, CCM.</summary>
    public static void Distillation(string root, string teacher, int epochs, int trainImages)
    {
        Console.WriteLine($"cifar10-jpeg, teacher ResNet-56 (published checkpoint), student ResNet-20 from scratch on {trainImages} training images (stratified), 10,000 test, {epochs} epochs, batch 128, SGD lr 0.1 momentum 0.9 wd 5e-4 cosine, crop 32 pad 4 + flip, KD τ 4 β 0.5, AT γ 10, CCM γ 1");
        const int seed = 1;
        var all = ImageFolder.Load(Path.Combine(root, "train"));
        var train = trainImages < all.Count ? all.SplitTrainValidation(1 - ((double)trainImages / all.Count), (ulong)seed).Train : all;
        var test = ImageFolder.Load(Path.Combine(root, "test"));
        var preprocessing = new ImagePipeline()
            .RandomCrop(32, padding: 4)
            .HorizontalFlip()
            .NormalizeImageNet();
        CcmDistillationTrainer Student(DistillationMethod method)
        {
            var options = Shared(new CcmDistillationTrainer.Options { TeacherPath = teacher, TeacherArchitecture = Architecture.ResNet56, Method = method }, seed, Architecture.ResNet20, epochs, 128, 0.1);
            return new CcmDistillationTrainer(options);
        }

        using (var model = ImageClassificationModel.FromPyTorchCheckpoint(teacher, Architecture.ResNet56, [.. test.Classes], new ImagePipeline().NormalizeImageNet(), [3, 32, 32]))
        {
            Console.WriteLine($"RESULT teacher ResNet-56: test MicroAccuracy {model.Transform(test).Evaluate().MicroAccuracy:P2}");
        }

        var results = new[]
        {
            ("baseline (CE)", Experiment.Run("baseline", preprocessing, new CrossEntropyImageClassificationTrainer(Shared(new CrossEntropyImageClassificationTrainer.Options(), seed, Architecture.ResNet20, epochs, 128, 0.1)), train, test)),
            ("KD", Experiment.Run("KD", preprocessing, Student(DistillationMethod.Kd), train, test)),
            ("AT", Experiment.Run("AT", preprocessing, Student(DistillationMethod.At), train, test)),
            ("CCM", Experiment.Run("CCM", preprocessing, Student(DistillationMethod.Ccm), train, test)),
        };
        Console.WriteLine($"SUMMARY cifar10-jpeg ResNet-56 → ResNet-20, {trainImages} images, {epochs} epochs: {string.Join(", ", results.Select(r => $"{r.Item1} {100 * r.Item2:F2} %"))}");
    }

    /// <summary>
    /// For seeds 1…<paramref name="seeds"/>: cross-entropy and CAM-loss
    /// trained and tested on what <paramref name="prepare"/> sets up (each trainer made just before it
    /// trains); prints "SUMMARY title, N seeds: cross-entropy mean ± std, CAM-loss mean ± std".
    /// </summary>
    private static void CrossEntropyVsCamLoss(string title, int seeds, Func<int, SeedRun> prepare)
    {
        var ce = new List<double>();
        var cam = new List<double>();
        for (var seed = 1; seed <= seeds; seed++)
        {
            var run = prepare(seed);
            ce.Add(Experiment.Run($"seed {seed} cross-entropy", run.Preprocessing, run.CrossEntropy(), run.Train, run.Test));
            cam.Add(Experiment.Run($"seed {seed} CAM-loss", run.Preprocessing, run.CamLoss(), run.Train, run.Test));
        }

        Console.WriteLine($"SUMMARY {title}, {seeds} seeds: cross-entropy {Experiment.MeanStd(ce)}, CAM-loss {Experiment.MeanStd(cam)}");
    }

    private static T Shared<T>(T options, int seed, Architecture architecture, int epochs, int batch, double learningRate, TrainingPrecision precision = TrainingPrecision.Auto)
        where T : ImageClassificationTrainerOptions
    {
        options.Seed = seed;
        options.Precision = precision;
        options.Architecture = architecture;
        options.Epochs = epochs;
        options.BatchSize = batch;
        options.LearningRate = learningRate;
        options.ProgressInterval = 50;
        options.Threads = int.TryParse(Environment.GetEnvironmentVariable("CAMLOSS_THREADS"), out var threads) ? threads : null;
        return options;
    }
}

/// <summary>What one seed of a cross-entropy vs CAM-loss comparison trains and tests.</summary>
internal sealed record SeedRun(
    ImagePipeline Preprocessing,
    ImageDataset Train,
    ImageDataset Test,
    Func<ImageClassificationTrainer> CrossEntropy,
    Func<ImageClassificationTrainer> CamLoss);
