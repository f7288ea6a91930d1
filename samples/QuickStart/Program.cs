// Smoke program for the foundation layer: trains a small CNN on real Fashion-MNIST with the
// managed libtorch binding (tensors, modules, SGD, cosine schedule, scopes) and reports test
// accuracy. The CAM-loss quick-start (CE vs CAM-loss table and heatmaps) replaces it.
using System.Diagnostics;
using Microsoft.ML.CamLoss.Torch;
using QuickStart;

var trainImages = ArgValue("--train-images", 60_000);
var epochs = ArgValue("--epochs", 1);
const int batchSize = 64;

TorchRuntime.ManualSeed(1);
Console.WriteLine($"libtorch {TorchRuntime.TorchVersion}, OpenCV {TorchRuntime.OpenCvVersion}, {TorchRuntime.NumThreads} threads, CUDA devices: {TorchRuntime.CudaDeviceCount}");

var (trainPixels, trainLabels, trainCount) = FashionMnistFiles.Load(FashionMnistFiles.DefaultRoot, train: true);
var (testPixels, testLabels, testCount) = FashionMnistFiles.Load(FashionMnistFiles.DefaultRoot, train: false);
trainCount = Math.Min(trainCount, trainImages);
using var trainX = Normalise(trainPixels, trainCount);
using var trainY = Tensor.FromSpan<byte>(trainLabels.AsSpan(0, trainCount), [trainCount]).To(ScalarType.Int64);
using var testX = Normalise(testPixels, testCount);
using var testY = Tensor.FromSpan<byte>(testLabels, [testCount]).To(ScalarType.Int64);

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

// Pixels to [N, 1, 28, 28] float, normalised with Fashion-MNIST's mean and standard deviation.
static Tensor Normalise(byte[] pixels, int count)
{
    using var scope = new TensorScope();
    var x = Tensor.FromSpan<byte>(pixels.AsSpan(0, count * 784), [count, 1, 28, 28]).To(ScalarType.Float32);
    return scope.MoveOut((x / 255.0 - 0.2860) / 0.3530);
}

int ArgValue(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
}
