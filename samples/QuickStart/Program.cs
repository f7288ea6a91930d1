// Smoke program for the foundation layer: trains a small CNN on real Fashion-MNIST with the
// managed libtorch binding (tensors, modules, SGD, cosine schedule, scopes) and reports test
// accuracy. The CAM-loss quick-start (CE vs CAM-loss table and heatmaps) replaces it.
using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Torch;

var trainImages = ArgValue("--train-images", 60_000);
var epochs = ArgValue("--epochs", 1);
const int batchSize = 64;

TorchRuntime.ManualSeed(1);
Console.WriteLine($"libtorch {TorchRuntime.TorchVersion}, OpenCV {TorchRuntime.OpenCvVersion}, {TorchRuntime.NumThreads} threads, CUDA devices: {TorchRuntime.CudaDeviceCount}");

var train = Idx.LoadFashionMnist(DataSplit.Train);   // Debian's dataset-fashion-mnist
var test = Idx.LoadFashionMnist(DataSplit.Test);
var trainCount = Math.Min(train.Count, trainImages);
var testCount = test.Count;
var (trainX, trainY) = ToTensors(train, trainCount);
var (testX, testY) = ToTensors(test, testCount);

using var model = new Sequential(
    new Conv2d(1, 16, 3, padding: 1), new BatchNorm2d(16), new ReLU(inPlace: true), new MaxPool2d(2),
    new Conv2d(16, 32, 3, padding: 1), new BatchNorm2d(32), new ReLU(inPlace: true), new MaxPool2d(2),
    new Flatten(), new Linear(32 * 7 * 7, 10));
using var sgd = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.05, Momentum = 0.9, WeightDecay = 5e-4, Nesterov = true });
var stepsPerEpoch = (trainCount + batchSize - 1) / batchSize;
var schedule = new CosineSchedule(totalSteps: epochs * stepsPerEpoch, warmupSteps: stepsPerEpoch / 10);

var clock = Stopwatch.StartNew();
long step = 0;
for (var epoch = 0; epoch < epochs; epoch++)
{
    model.Train();
    using var order = Tensor.RandPerm(trainCount);
    double lossSum = 0;
    for (var start = 0; start < trainCount; start += batchSize, step++)
    {
        using var scope = new TensorScope();
        var index = order.Narrow(0, start, Math.Min(batchSize, trainCount - start));
        sgd.ApplySchedule(schedule, step);
        sgd.ZeroGrad();
        var loss = Functional.CrossEntropy(model.Forward(trainX.IndexSelect(0, index)), trainY.IndexSelect(0, index));
        loss.Backward();
        sgd.Step();
        lossSum += loss.ToDouble();
    }

    Console.WriteLine($"epoch {epoch + 1}/{epochs}: mean training loss {lossSum / stepsPerEpoch:F4} ({clock.Elapsed.TotalSeconds:F1} s)");
}

model.Eval();
long correct = 0;
using (Autograd.NoGrad())
{
    for (var start = 0; start < testCount; start += 500)
    {
        using var scope = new TensorScope();
        var n = Math.Min(500, testCount - start);
        correct += model.Forward(testX.Narrow(0, start, n)).ArgMax(1).Eq(testY.Narrow(0, start, n)).Sum().ToInt64();
    }
}

Console.WriteLine($"Fashion-MNIST test accuracy after {epochs} epoch(s) on {trainCount:N0} images: {100.0 * correct / testCount:F2}% ({clock.Elapsed.TotalSeconds:F1} s in all)");
return 0;

// The first `count` images as [N, 1, 28, 28] float, normalised with Fashion-MNIST's mean and
// standard deviation, and their int64 labels.
static (Tensor Images, Tensor Labels) ToTensors(ImageDataset data, int count)
{
    using var scope = new TensorScope();
    var indices = Enumerable.Range(0, count).ToArray();
    var x = data.InMemory!.ToTensor(indices).To(ScalarType.Float32);
    var labels = Tensor.FromArray(indices.Select(i => (long)data[i].Label).ToArray());
    return (scope.MoveOut((x / 255.0 - 0.2860) / 0.3530), scope.MoveOut(labels));
}

int ArgValue(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
}
