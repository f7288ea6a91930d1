using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Explain;

/// <summary>
/// The gallery of a real (tiny) model: ResNet-8 trained for 2 epochs on flowers12 at 32×32 (see
/// <see cref="TinyFlowersRun"/>). 32×32 inputs are shown enlarged 4× (nearest) to 128×128, so a
/// row is 4 tiles of 128 plus 3 gaps of <see cref="ExplanationGallery.TileGap"/>.
/// </summary>
[TestClass]
public sealed class ExplanationGalleryTests
{
    private const int Shown = 128;
    private const int RowWidth = (4 * Shown) + (3 * ExplanationGallery.TileGap);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Write_SixteenImagesOfTwelveClasses_WritesRowsImagesGalleryAndJsonThatAgree()
    {
        var run = TinyFlowersRun.Get();
        using var folder = new Data.TempFolder();
        var directory = Path.Combine(folder.Path, "gallery");

        var result = ExplanationGallery.Write(run.Model, run.Data, directory, count: 16, seed: 0);

        Assert.HasCount(16, result.Entries);
        Assert.AreEqual(4, result.Scale);
        CollectionAssert.AreEqual(new long[] { 32, 32 }, result.ImageSize.ToArray());

        // Spread over classes: 16 picks from 12 classes show every class, none more than twice.
        var perClass = result.Entries.GroupBy(e => e.TrueLabel).ToDictionary(g => g.Key, g => g.Count());
        Assert.HasCount(12, perClass);
        Assert.IsTrue(perClass.Values.All(n => n is 1 or 2), string.Join(", ", perClass));
        Assert.HasCount(16, result.Entries.Select(e => e.Source).Distinct());

        // gallery.json lists the same 16 images with files that exist and decode to the promised sizes.
        var json = JsonNode.Parse(File.ReadAllText(result.JsonPath))!.AsObject();
        var images = json["images"]!.AsArray();
        Assert.HasCount(16, images);
        CollectionAssert.AreEqual(ExplanationGallery.Columns.ToArray(), json["columns"]!.AsArray().Select(c => (string)c!).ToArray());
        for (var i = 0; i < images.Count; i++)
        {
            var image = images[i]!.AsObject();
            var entry = result.Entries[i];
            Assert.AreEqual(entry.Source, (string)image["source"]!);
            Assert.IsTrue(File.Exists(entry.Source), entry.Source);
            Assert.AreEqual(Path.GetFileName(Path.GetDirectoryName(entry.Source)), (string)image["trueLabel"]!, "the true label is the image's class folder");
            Assert.IsTrue(run.Model.ClassNames.Contains((string)image["predictedLabel"]!));
            var probability = (double)image["probability"]!;
            Assert.IsTrue(probability is >= 1.0 / 12 and <= 1, $"the top class of 12 has probability ≥ 1/12; got {probability}");
            Assert.AreEqual((string)image["trueLabel"]! == (string)image["predictedLabel"]!, (bool)image["correct"]!);
            AssertPng(Path.Combine(directory, (string)image["row"]!), Shown, RowWidth);
            AssertPng(Path.Combine(directory, (string)image["image"]!), Shown, Shown);
        }

        AssertPng(result.GalleryPath, (16 * Shown) + (15 * ExplanationGallery.RowGap), RowWidth);
        TestContext.WriteLine($"trained in {run.TrainingTime.TotalSeconds:F1} s; {result.Entries.Count(e => e.IsCorrect)}/16 correct");
        TestContext.AddResultFile(result.GalleryPath);
    }

    [TestMethod]
    public void Write_ImageFiles_AreTheNetworkInputEnlargedFourTimesWithNearestNeighbour()
    {
        // The picture under the maps is what the network saw: each shown 4×4 block is one input pixel,
        // the normalised input mapped back to 0–255 (±1 for the float round trip).
        var run = TinyFlowersRun.Get();
        using var folder = new Data.TempFolder();

        var result = ExplanationGallery.Write(run.Model, run.Data, folder.Path, count: 3);

        using var scope = torch.NewDisposeScope();
        var (mean, std) = (NormalizeTransform.ImageNet.Mean, NormalizeTransform.ImageNet.Std);
        foreach (var entry in result.Entries)
        {
            var shown = ImageDecoding.DecodeFile(Path.Combine(folder.Path, entry.ImageFile)).data<byte>().ToArray();
            var input = run.Model.Preprocessing.Apply(ImageSource.FromFile(entry.Source), new SeededRandom(0)).data<float>().ToArray();
            Assert.HasCount(Shown * Shown * 3, shown);
            Assert.HasCount(32 * 32 * 3, input);
            for (var y = 0; y < Shown; y++)
            {
                for (var x = 0; x < Shown; x++)
                {
                    for (var c = 0; c < 3; c++)
                    {
                        var expected = ((input[(c * 32 * 32) + ((y / 4) * 32) + (x / 4)] * std[c]) + mean[c]) * 255;
                        Assert.AreEqual(expected, shown[(((y * Shown) + x) * 3) + c], 1.0, $"{entry.Source} ({y}, {x}, {c})");
                    }
                }
            }
        }
    }

    [TestMethod]
    public void Write_TinyModel_GradCamIsReluOfCamOverMapSizeAndBothFinite()
    {
        // For a network that ends in global average pooling and a linear layer, Grad-CAM's channel
        // weights are mean_xy ∂z_c/∂F_k = W[c, k] / (H·W), so Grad-CAM = ReLU(CAM) / (H·W) exactly
        // (Selvaraju et al. 2017, Sec. 3.1): the two methods differ only where the CAM is negative,
        // and in scale. Tolerance: float32 sums of 64-channel products, relative 1e-4 of the map's range.
        var run = TinyFlowersRun.Get();
        using var folder = new Data.TempFolder();

        var result = ExplanationGallery.Write(run.Model, run.Data, folder.Path, count: 12, seed: 3);

        var negativeSomewhere = 0;
        foreach (var entry in result.Entries)
        {
            var (cam, gradCam, caam) = (entry.Cam, entry.GradCam, entry.Caam);
            Assert.AreEqual((8, 8), (cam.Height, cam.Width), "ResNet-8 on 32×32: the last stage is 8×8");
            Assert.AreEqual((cam.Height, cam.Width), (gradCam.Height, gradCam.Width));
            Assert.IsTrue(cam.Values.ToArray().All(float.IsFinite) && gradCam.Values.ToArray().All(float.IsFinite) && caam.Values.ToArray().All(float.IsFinite), entry.Source);
            Assert.IsGreaterThan(0f, cam.Max - cam.Min, $"{entry.Source}: the CAM is not constant");
            var area = cam.Height * cam.Width;
            var tolerance = 1e-4 * (cam.Max - cam.Min) / area;
            for (var i = 0; i < area; i++)
            {
                Assert.AreEqual(Math.Max(cam.Values[i], 0) / area, gradCam.Values[i], tolerance, $"{entry.Source} pixel {i}");
            }

            Assert.IsFalse(cam.Values.SequenceEqual(gradCam.Values), "CAM and Grad-CAM are different maps");
            negativeSomewhere += cam.Min < 0 ? 1 : 0;
        }

        TestContext.WriteLine($"{negativeSomewhere} of {result.Entries.Count} CAMs have negative values, where Grad-CAM's ReLU shows 0");
    }

    [TestMethod]
    public void Write_SameSeedTwice_PicksSameImagesAndOtherSeedOthers()
    {
        var run = TinyFlowersRun.Get();
        using var folder = new Data.TempFolder();

        var first = ExplanationGallery.Write(run.Model, run.Data, Path.Combine(folder.Path, "a"), count: 5, seed: 7);
        var again = ExplanationGallery.Write(run.Model, run.Data, Path.Combine(folder.Path, "b"), count: 5, seed: 7);
        var other = ExplanationGallery.Write(run.Model, run.Data, Path.Combine(folder.Path, "c"), count: 5, seed: 8);

        CollectionAssert.AreEqual(first.Entries.Select(e => e.Source).ToArray(), again.Entries.Select(e => e.Source).ToArray());
        CollectionAssert.AreEqual(File.ReadAllBytes(first.GalleryPath), File.ReadAllBytes(again.GalleryPath), "same images, same pictures");
        CollectionAssert.AreNotEqual(first.Entries.Select(e => e.Source).ToArray(), other.Entries.Select(e => e.Source).ToArray());
        Assert.HasCount(5, first.Entries.Select(e => e.TrueLabel).Distinct(), "5 picks come from 5 different classes");
    }

    [TestMethod]
    public void Write_CountAboveDataSize_ShowsEveryImageOnceAndReleasesItsTensors()
    {
        var run = TinyFlowersRun.Get();
        var small = run.Data.Subset([0, 1, 2, 40, 41]);
        using var folder = new Data.TempFolder();
        var handles = Tensor.TotalCount;

        var result = ExplanationGallery.Write(run.Model, small, folder.Path, count: 16);

        Assert.HasCount(5, result.Entries);
        CollectionAssert.AreEquivalent(small.Select(s => s.Image.Name).ToArray(), result.Entries.Select(e => e.Source).ToArray());
        Assert.AreEqual(handles, Tensor.TotalCount, "every tensor the gallery made is disposed");
    }

    [TestMethod]
    public void Write_ZeroCount_ThrowsArgumentOutOfRange()
    {
        var run = TinyFlowersRun.Get();
        using var folder = new Data.TempFolder();

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExplanationGallery.Write(run.Model, run.Data, folder.Path, count: 0));
    }

    private static void AssertPng(string path, int height, int width)
    {
        Assert.IsTrue(File.Exists(path), path);
        using var scope = torch.NewDisposeScope();
        var image = ImageDecoding.DecodeFile(path);
        CollectionAssert.AreEqual(new long[] { height, width, 3 }, image.shape, path);
    }
}
