// Real training runs (not tests): accuracy comparisons whose results the README's table reports.
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- fashion [epochs] [seeds] [training images]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- cub [epochs] [image size]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- distill [epochs] [training images]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- flowers [epochs] [seeds] [image size]
//   dotnet run -c Release --project tests/Microsoft.ML.CamLoss.Accuracy -- fewshot [epochs] [image size] [architecture] [episodes]
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
    case "fewshot":
        FewShotComparison.Cub(
            Path.Combine(shared, "cub200-subset/CUB_200_2011"), Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../artifacts/fewshot")),
            epochs: Arg(1, 30), imageSize: Arg(2, 84), architecture: Enum.Parse<Microsoft.ML.CamLoss.Models.Architecture>(args.Length > 3 ? args[3] : "ResNet10", ignoreCase: true), episodes: Arg(4, 600));
        break;
    default:
        Console.Error.WriteLine("usage: Microsoft.ML.CamLoss.Accuracy fashion|cub|distill|flowers|fewshot [arguments]");
        return 2;
}

return 0;
