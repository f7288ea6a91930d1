// Real training runs (not tests): accuracy comparisons whose results the README's table reports.
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- fashion [epochs] [seeds] [training images]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- localization-fashion [epochs] [seeds] [training images]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- cub [epochs] [image size]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- distill [epochs] [training images]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- flowers [epochs] [seeds] [image size]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- precision-flowers [epochs] [seeds] [image size] [cam|ce]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- precision-fashion [epochs] [seeds] [training images] [cam|ce]
// (the precision-* runs train each seed in fp32 and in bf16 mixed precision; CAMLOSS_THREADS=N fixes libtorch's threads)
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- imagenet-probe
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- imagenet-transfer cub|flowers [epochs] [seeds: N or first..last] [image size] [batch] [lr]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- fewshot [epochs] [image size] [architecture] [episodes]
using Microsoft.ML.CamLoss.Accuracy;
using TorchSharp;

var shared = Environment.GetEnvironmentVariable("CAMLOSS_SHARED_DATA") ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data"));
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)} (libtorch {Version.Parse(torch.__version__).ToString(3)}), CUDA {torch.cuda.is_available()}");
if (int.TryParse(Environment.GetEnvironmentVariable("CAMLOSS_THREADS"), out var libtorchThreads))
{
    torch.set_num_threads(libtorchThreads);   // the trainers set it again from their options
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
(int First, int Last) Seeds(int index) =>   // "3": seeds 1..3; "2..3": seeds 2 and 3
    args.Length <= index ? (1, 3) : args[index].Split("..") is [var first, var last] ? (int.Parse(first, System.Globalization.CultureInfo.InvariantCulture), int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)) : (1, Arg(index, 3));
switch (args.FirstOrDefault())
{
    case "fashion":
        Comparisons.FashionMnist(epochs: Arg(1, 3), seeds: Arg(2, 3), trainImages: Arg(3, 20000));
        break;
    case "localization-fashion":
        LocalizationComparison.FashionMnist(epochs: Arg(1, 4), seeds: Arg(2, 3), trainImages: Arg(3, 60000));
        break;
    case "cub":
        Comparisons.Cub(Path.Combine(shared, "cub200-subset/CUB_200_2011"), epochs: Arg(1, 6), imageSize: Arg(2, 112));
        break;
    case "distill":
        Comparisons.Distillation(Path.Combine(shared, "cifar10-jpeg"), Path.Combine(shared, "pretrained/cifar10-resnet/resnet56-4bfd9763.th"), epochs: Arg(1, 3), trainImages: Arg(2, 10000));
        break;
    case "flowers":
        Comparisons.FlowersTransfer(Path.Combine(shared, "flowers12"), Path.Combine(shared, "pretrained/cifar10-resnet/resnet56-4bfd9763.th"), epochs: Arg(1, 15), seeds: Arg(2, 3), imageSize: Arg(3, 64));
        break;
    case "precision-flowers":
        PrecisionComparison.Run(
            $"flowers12 ResNet-56 (CIFAR-10 weights) {Arg(3, 64)}px {Arg(1, 15)} epochs, fp32 vs bf16", Arg(2, 3), args.ElementAtOrDefault(4) ?? "cam",
            (seed, precision) => Comparisons.FlowersRun(seed, Path.Combine(shared, "flowers12"), Path.Combine(shared, "pretrained/cifar10-resnet/resnet56-4bfd9763.th"), Arg(1, 15), Arg(3, 64), precision));
        break;
    case "precision-fashion":
        PrecisionComparison.Run(
            $"Fashion-MNIST ResNet-20 {Arg(3, 20000)} images {Arg(1, 3)} epochs, fp32 vs bf16", Arg(2, 3), args.ElementAtOrDefault(4) ?? "cam",
            (seed, precision) => Comparisons.FashionMnistRun(seed, Arg(1, 3), Arg(3, 20000), precision));
        break;
    case "imagenet-probe":
        ImageNetTransfer.LinearProbe(Path.Combine(shared, "cub200-subset/CUB_200_2011"), Path.Combine(shared, "flowers12"));
        break;
    case "imagenet-transfer" when args.Length > 1 && args[1] is "cub" or "flowers":
        ImageNetTransfer.FineTune(
            args[1], Path.Combine(shared, args[1] == "cub" ? "cub200-subset/CUB_200_2011" : "flowers12"), epochs: Arg(2, args[1] == "cub" ? 4 : 10), seeds: Seeds(3), imageSize: Arg(4, args[1] == "cub" ? 112 : 128),
            batch: Arg(5, 32), learningRate: args.Length > 6 ? double.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture) : 0.01);
        break;
    case "fewshot":
        FewShotComparison.Cub(
            Path.Combine(shared, "cub200-subset/CUB_200_2011"), Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../artifacts/fewshot")),
            epochs: Arg(1, 30), imageSize: Arg(2, 84), architecture: Enum.Parse<Microsoft.ML.CamLoss.Models.Architecture>(args.Length > 3 ? args[3] : "ResNet10", ignoreCase: true), episodes: Arg(4, 600));
        break;
    default:
        Console.Error.WriteLine("usage: Microsoft.ML.CamLoss.Accuracy fashion|localization-fashion|cub|distill|flowers|precision-flowers|precision-fashion|imagenet-probe|imagenet-transfer|fewshot [arguments]");
        return 2;
}

return 0;
