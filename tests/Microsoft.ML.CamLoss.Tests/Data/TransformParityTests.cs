using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>
/// Transforms against torchvision 0.14's tensor functional ops on libtorch 1.13 (Fixtures/transforms.json
/// from Reference/generate_transform_fixtures.py), computed here by libtorch 2.10 through TorchSharp.
/// Tolerances: uint8 results ±1 (the same antialiased bilinear kernel and round-half-even; 1 allows
/// a float tie broken differently by another build's vectorisation), float32 results 1e-6 absolute
/// (the same float32 arithmetic, summation order aside), crops/flips/pads exact.
/// </summary>
[TestClass]
public sealed class TransformParityTests
{
    private static readonly SeededRandom Unused = new(0);

    public TestContext TestContext { get; set; } = null!;

    private static Tensor Case(string name) => Load(JsonFixture.Open("transforms.json").Get("cases", name));

    private static Tensor Input() => Load(JsonFixture.Open("transforms.json").Get("input"));

    private static Tensor Load(System.Text.Json.JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var dtype = e.GetProperty("dtype").GetString() == "uint8" ? ScalarType.Byte : ScalarType.Float32;
        var bytes = Convert.FromBase64String(e.GetProperty("data").GetString()!);
        var result = empty(shape, dtype);
        result.bytes = bytes;
        return result;
    }

    private void AssertMatches(string name, Func<Tensor, Tensor> ours)
    {
        using var scope = NewDisposeScope();
        var expected = Case(name);
        var actual = ours(Input());
        Assert.AreEqual(expected.dtype, actual.dtype, $"{name}: dtype");
        var tolerance = expected.dtype == ScalarType.Byte ? 1.0 : 1e-6;
        var worst = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>();
        Console.WriteLine($"{name}: max |ours − torchvision| = {worst:G3}");
        TestContext.WriteLine($"{name}: max |ours − torchvision| = {worst:G3}");
        TensorAssert.Close(expected, actual, rtol: 0, atol: tolerance, name);
    }

    [TestMethod]
    public void Resize_ShorterSide_MatchesTorchvision()
    {
        AssertMatches("resize_shorter20", x => new ResizeTransform(20).Apply(x, Unused));
        AssertMatches("resize_shorter20_noaa", x => new ResizeTransform(20, antialias: false).Apply(x, Unused));
        AssertMatches("resize_shorter20_max24", x => new ResizeTransform(20, maxSize: 24).Apply(x, Unused));
        AssertMatches("resize_shorter60", x => new ResizeTransform(60).Apply(x, Unused));
    }

    [TestMethod]
    public void Resize_Exact_MatchesTorchvision()
    {
        AssertMatches("resize_exact24x30", x => new ResizeTransform(24, 30).Apply(x, Unused));
        AssertMatches("resize_float_exact17x23", x => new ResizeTransform(17, 23).Apply(ImageFunctional.ToFloat(x), Unused));
    }

    [TestMethod]
    public void CenterCrop_SmallerAndLargerThanImage_MatchesTorchvision()
    {
        AssertMatches("center_crop21x21", x => new CenterCropTransform(21, 21).Apply(x, Unused));
        AssertMatches("center_crop40x52", x => new CenterCropTransform(40, 52).Apply(x, Unused));
    }

    [TestMethod]
    public void ResizedCrop_FixedWindow_MatchesTorchvision() =>
        AssertMatches("resized_crop_3_5_20x30_to16x16", x => ImageFunctional.ResizedCrop(x, 3, 5, 20, 30, 16, 16));

    [TestMethod]
    public void FlipToFloatNormalizeErase_MatchTorchvision()
    {
        AssertMatches("hflip", x => new HorizontalFlipTransform(1).Apply(x, Unused));
        AssertMatches("to_float", x => ToFloatTransform.Instance.Apply(x, Unused));
        AssertMatches("normalize_imagenet", x => NormalizeTransform.ImageNet.Apply(x, Unused));
        AssertMatches("erase_5_9_8x12", x => ImageFunctional.Erase(NormalizeTransform.ImageNet.Apply(x, Unused), 5, 9, 8, 12));
    }

    [TestMethod]
    [DataRow(PaddingMode.Constant, "pad4_constant")]
    [DataRow(PaddingMode.Reflect, "pad4_reflect")]
    public void RandomCrop_Padded_IsTorchvisionPadThenCropAtTheDrawnCorner(PaddingMode mode, string padded)
    {
        using var scope = NewDisposeScope();
        var transform = new RandomCropTransform(37, 50, padding: 4, mode);
        for (ulong seed = 0; seed < 5; seed++)
        {
            var replay = new SeededRandom(seed);
            var top = replay.NextInt(45 - 37 + 1);
            var left = replay.NextInt(58 - 50 + 1);
            var expected = ImageFunctional.Crop(Case(padded), top, left, 37, 50);
            TensorAssert.Close(expected, transform.Apply(Input(), new SeededRandom(seed)), 0, 0, $"{padded} seed {seed} at ({top}, {left})");
        }
    }

    [TestMethod]
    public void RandomResizedCrop_IsResizedCropAtTheSampledWindow()
    {
        using var scope = NewDisposeScope();
        var transform = new RandomResizedCropTransform(16, 16);
        for (ulong seed = 0; seed < 5; seed++)
        {
            var (top, left, h, w) = transform.SampleWindow(37, 50, new SeededRandom(seed));
            var expected = ImageFunctional.ResizedCrop(Input(), top, left, h, w, 16, 16);
            TensorAssert.Close(expected, transform.Apply(Input(), new SeededRandom(seed)), 0, 0, $"seed {seed}");
        }
    }
}
