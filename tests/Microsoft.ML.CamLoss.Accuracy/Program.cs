// Real training runs (not tests): accuracy comparisons whose results the README's table reports.
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- fashion [epochs] [seeds] [training images]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- cub [epochs] [image size]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- distill [epochs] [training images]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- flowers [epochs] [seeds] [image size]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- precision-flowers [epochs] [seeds] [image size] [cam|ce]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- precision-fashion [epochs] [seeds] [training images] [cam|ce]
// (the precision-* runs train each seed in fp32 and in bf16 mixed precision; CAMLOSS_THREADS=N fixes libtorch's threads)
using Microsoft.ML.CamLoss.Accuracy;
using TorchSharp;

var shared = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data"));
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)} (libtorch {Version.Parse(torch.__version__).ToString(3)}), CUDA {torch.cuda.is_available()}");
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
switch (args.FirstOrDefault())
{
    case "fashion":
        Comparisons.FashionMnist(epochs: Arg(1, 3), seeds: Arg(2, 3), trainImages: Arg(3, 20000));
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
            (ml, precision) => Comparisons.FlowersRun(ml, Path.Combine(shared, "flowers12"), Path.Combine(shared, "pretrained/cifar10-resnet/resnet56-4bfd9763.th"), Arg(1, 15), Arg(3, 64), precision));
        break;
    case "precision-fashion":
        PrecisionComparison.Run(
            $"Fashion-MNIST ResNet-20 {Arg(3, 20000)} images {Arg(1, 3)} epochs, fp32 vs bf16", Arg(2, 3), args.ElementAtOrDefault(4) ?? "cam",
            (ml, precision) => Comparisons.FashionMnistRun(ml, Arg(1, 3), Arg(3, 20000), precision));
        break;
    default:
        Console.Error.WriteLine("usage: Microsoft.ML.CamLoss.Accuracy fashion|cub|distill|flowers|precision-flowers|precision-fashion [arguments]");
        return 2;
}

return 0;
