using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Models.ImageNet;

/// <summary>
/// Our torchvision ResNet-18 with the weights imported from Microsoft.ML.DnnImageFeaturizer.ResNet18 and
/// its recorded preprocessing, against ONNX Runtime running the package's original ResNetPreprocess.onnx
/// and ResNet18.onnx on the same 224×224 RGB pixels: the 512 pooled features agree to
/// 1e-4 × max|feature| (float32 through 18 layers in two engines, whose summation orders differ, stays
/// near 1e-6 relative; a wrong mapping, channel order or padding is off by 1e-2 or more).
/// </summary>
[TestClass]
public sealed class ImageNetFeatureParityTests
{
    private const double Tolerance = 1e-4;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ResNet18_ImagesMadeByTheTest_PooledFeaturesMatchOnnxRuntime()
    {
        RequirePackage();
        var generator = new Random(15);
        var images = new List<(string, Tensor)>();
        for (var i = 0; i < 3; i++)
        {
            images.Add(($"made {i}", MadeImage(generator, i)));
        }

        AssertFeaturesMatch(images);
    }

    [TestMethod]
    public void ResNet18_SixteenRealPhotos_PooledFeaturesMatchOnnxRuntime()
    {
        RequirePackage();
        var flowers = SharedData.Require("flowers12/test");
        var cub = SharedData.Require("cub200-subset/CUB_200_2011/images");
        var files = Every(Directory.GetFiles(flowers, "*.jpg", SearchOption.AllDirectories), 8)
            .Concat(Every(Directory.GetFiles(cub, "*.jpg", SearchOption.AllDirectories), 8));
        var images = files.Select(f =>
        {
            using var scope = NewDisposeScope();
            var decoded = ImageDecoding.DecodeFile(f).permute(2, 0, 1);
            var image = ImageFunctional.Resize(decoded, 224, 224);   // uint8 stays uint8: both sides read the same pixels
            return (Path.GetRelativePath(Path.Combine(SharedData.RepositoryRoot, ".."), f), image.MoveToOuterDisposeScope());
        }).ToList();
        AssertFeaturesMatch(images);
    }

    internal static void RequirePackage()
    {
        if (!ImageNetWeights.IsAvailable)
        {
            Assert.Inconclusive($"The files of {ImageNetWeights.PackageId} {ImageNetWeights.PackageVersion} are not found (restore the solution).");
        }
    }

    private void AssertFeaturesMatch(IReadOnlyList<(string Name, Tensor Image)> images)
    {
        using var reference = new OnnxRuntimeResNet18();
        using var network = ImageNetWeights.ResNet18(numClasses: 2);
        network.eval();
        var preprocessing = ImageNetWeights.ResNet18Preprocessing;
        var worst = 0.0;
        foreach (var (name, image) in images)
        {
            using var scope = NewDisposeScope();
            Assert.AreEqual(ScalarType.Byte, image.dtype);
            var expected = reference.Features(image);
            float[] actual;
            using (no_grad())
            {
                var output = network.forward(preprocessing.Apply(image, new SeededRandom(0)).unsqueeze(0));
                actual = nn.functional.adaptive_avg_pool2d(output.Last, 1).flatten().data<float>().ToArray();
            }

            var scale = expected.Max(Math.Abs);
            var difference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            worst = Math.Max(worst, difference / scale);
            TestContext.WriteLine($"{name}: max|feature| {scale:F4}, max|difference| {difference:E2} = {difference / scale:E2} × max|feature|");
            Assert.IsLessThanOrEqualTo(Tolerance * scale, difference, $"{name}: pooled features differ by {difference:E3} (max|feature| {scale:F4})");
            image.Dispose();
        }

        TestContext.WriteLine($"{images.Count} images: worst max|difference| / max|feature| = {worst:E2} (tolerance {Tolerance:E0})");
    }

    /// <summary>A 224×224 RGB picture: smooth colour gradients, a few filled rectangles and pixel noise.</summary>
    private static Tensor MadeImage(Random generator, int kind)
    {
        var pixels = new byte[3 * 224 * 224];
        var rectangles = Enumerable.Range(0, 4 + kind).Select(_ => (Top: generator.Next(180), Left: generator.Next(180), Size: 20 + generator.Next(60), Colour: new[] { generator.Next(256), generator.Next(256), generator.Next(256) })).ToList();
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 224; y++)
            {
                for (var x = 0; x < 224; x++)
                {
                    double value = 128 + (100 * Math.Sin((x * (c + 1) / 37.0) + (y / (23.0 + kind))));
                    foreach (var r in rectangles.Where(r => y >= r.Top && y < r.Top + r.Size && x >= r.Left && x < r.Left + r.Size))
                    {
                        value = r.Colour[c];
                    }

                    pixels[(c * 224 * 224) + (y * 224) + x] = (byte)Math.Clamp(value + generator.Next(-12, 13), 0, 255);
                }
            }
        }

        return tensor(pixels, [3, 224, 224]);
    }

    private static IEnumerable<string> Every(string[] files, int count)
    {
        Array.Sort(files, StringComparer.Ordinal);
        return Enumerable.Range(0, count).Select(i => files[i * files.Length / count]);
    }
}
