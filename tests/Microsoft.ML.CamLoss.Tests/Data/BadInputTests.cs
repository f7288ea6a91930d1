using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>
/// Every kind of bad input raises a <see cref="DatasetException"/> whose message names the file
/// (and the line, for lists) and says what is wrong; never a native crash, never a silent drop.
/// The bad files are made in a temp folder by each test.
/// </summary>
[TestClass]
public sealed class BadInputTests
{
    private static DatasetException Fails(Action action, string file, params string[] says)
    {
        var error = Assert.ThrowsExactly<DatasetException>(action);
        StringAssert.Contains(error.Message, file, "the message names the file");
        foreach (var text in says)
        {
            StringAssert.Contains(error.Message, text);
        }

        return error;
    }

    private static void Decode(string path) => ImageDecoding.DecodeRgb(ImageSource.FromFile(path)).Dispose();

    private static void LoadAll(ImageDataset data)
    {
        var loader = new ImageLoader(data, new ImagePipeline().Resize(8, 8), new() { BatchSize = 4, Shuffle = false, Workers = 2 });
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
        }
    }

    private static byte[] CorruptHuffmanTable()
    {
        var jpeg = FixtureImages.Jpeg;
        var dht = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC4]);
        Array.Fill(jpeg, (byte)0xFF, dht + 5, 17);
        return jpeg;
    }

    [TestMethod]
    public void CorruptJpeg_BadHuffmanTable_SaysCorrupt()
    {
        using var temp = new TempFolder();
        var path = temp.Write("bad.jpg", CorruptHuffmanTable());
        Fails(() => Decode(path), path, "JPEG data is corrupt");
    }

    [TestMethod]
    public void CorruptJpeg_GarbageAfterHeader_SaysNoStartOfScan()
    {
        using var temp = new TempFolder();
        var path = temp.Write("bad.jpg", [0xFF, 0xD8, 0xFF, 0xE0, .. Enumerable.Range(0, 200).Select(i => (byte)(i * 37))]);
        Fails(() => Decode(path), path, "start-of-scan");
    }

    [TestMethod]
    public void CorruptPng_DamagedData_SaysCorrupt()
    {
        using var temp = new TempFolder();
        var png = FixtureImages.Bytes("rgba.png");
        var idat = png.AsSpan().IndexOf("IDAT"u8);
        Array.Fill(png, (byte)0x5A, idat + 8, 40);
        var path = temp.Write("bad.png", png);
        Fails(() => Decode(path), path, "PNG data is corrupt");
    }

    [TestMethod]
    public void TruncatedJpeg_SaysTruncated()
    {
        using var temp = new TempFolder();
        var path = temp.Write("cut.jpg", FixtureImages.Jpeg.AsSpan(0, FixtureImages.Jpeg.Length - 100));
        Fails(() => Decode(path), path, "truncated", "end-of-image");
    }

    [TestMethod]
    public void TruncatedPng_SaysTruncated()
    {
        using var temp = new TempFolder();
        var png = FixtureImages.Bytes("rgba.png");
        var path = temp.Write("cut.png", png.AsSpan(0, png.Length - 20));
        Fails(() => Decode(path), path, "truncated", "IEND");
    }

    [TestMethod]
    public void ZeroByteFile_InImageFolder_RaisesAtLoad()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.ImageFolder(temp, "set", 2, "a");
        var empty = temp.Write("set/a/empty.jpg", []);
        Fails(() => ImageFolder.Load(root), empty, "empty (0 bytes)");
        Fails(() => ImageDecoding.DecodeRgb([], "upload.png"), "upload.png", "empty (0 bytes)");
    }

    /// <summary>A minimal little-endian TIFF header (SkiaSharp has no TIFF codec).</summary>
    private static byte[] Tiff => [(byte)'I', (byte)'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    [TestMethod]
    public void GifNamedJpg_DecodesItsFirstFrameByContent()
    {
        // v1 refused GIF (OpenCV could not read it); PIL, and so torchvision, reads the first frame.
        using var temp = new TempFolder();
        var path = temp.Write("photo.jpg", FixtureImages.Bytes("anim.gif"));
        using var image = ImageDecoding.DecodeRgb(ImageSource.FromFile(path));
        CollectionAssert.AreEqual(new long[] { 16, 24, 3 }, image.shape);
    }

    [TestMethod]
    public void TiffNamedJpg_SaysItIsATiffThatCannotBeDecoded()
    {
        using var temp = new TempFolder();
        var path = temp.Write("scan.jpg", Tiff);
        Fails(() => Decode(path), path, "TIFF image although it is named .jpg", "convert it to PNG or JPEG");
    }

    [TestMethod]
    public void TruncatedGifAndWebP_SayTruncatedOrCorrupt()
    {
        using var temp = new TempFolder();
        var gif = FixtureImages.Bytes("anim.gif");
        var cutGif = temp.Write("cut.gif", gif.AsSpan(0, gif.Length / 2));
        Fails(() => Decode(cutGif), cutGif, "GIF data is truncated or corrupt");
        var webp = FixtureImages.Bytes("rgb_lossy.webp");
        var cutWebp = temp.Write("cut.webp", webp.AsSpan(0, webp.Length / 2));
        Fails(() => Decode(cutWebp), cutWebp, "WebP data");
    }

    [TestMethod]
    public void CorruptPnm_TruncatedOrMalformed_SaysWhat()
    {
        using var temp = new TempFolder();
        var pgm = FixtureImages.Bytes("grey.pgm");
        var cut = temp.Write("cut.pgm", pgm.AsSpan(0, pgm.Length - 10));
        Fails(() => Decode(cut), cut, "PGM data is truncated", "374 of the 384 bytes");
        var header = temp.Write("header.ppm", "P6\n24 x16\n255\n"u8);
        Fails(() => Decode(header), header, "PPM header is malformed", "height 'x16'");
        var maxval = temp.Write("maxval.pgm", "P5 2 2 70000\n"u8);
        Fails(() => Decode(maxval), maxval, "maximum value is 70000");
        var plain = temp.Write("plain.pgm", "P2 2 1 9\n3 12\n"u8);
        Fails(() => Decode(plain), plain, "value 12, larger than the maximum 9");
    }

    [TestMethod]
    public void NotAnImage_SaysWhatItStartsWith()
    {
        using var temp = new TempFolder();
        var path = temp.Write("notes.png", "hello, world"u8);
        Fails(() => Decode(path), path, "not a JPEG, PNG", "68656C6C");
    }

    [TestMethod]
    public void CorruptImage_DuringLoading_RaisesAtItsBatch()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.ImageFolder(temp, "set", 5, "a");
        var bad = temp.Write("set/a/002.jpg", CorruptHuffmanTable());
        Fails(() => LoadAll(ImageFolder.Load(root)), bad, "corrupt");
    }

    [TestMethod]
    public void ListedButMissing_Cub_NamesListLineAndImage()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.Cub(temp);
        var missing = Path.Combine(root, "images", "002.Beta_Bird", "Beta_Bird_0003.jpg");
        File.Delete(missing);
        var error = Fails(() => Cub200.Load(root, DataSplit.Train), Path.Combine(root, "images.txt"), "line 3", missing, "does not exist");
        Assert.AreEqual(3, error.Line);
    }

    [TestMethod]
    public void PathLeavingTheDataFolder_Cub_RefusedNamingListLine()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.Cub(temp);
        var outside = Path.Combine(temp.Path, "outside.jpg");
        File.Copy(Path.Combine(root, "images", "002.Beta_Bird", "Beta_Bird_0003.jpg"), outside);   // a real image, so only the path check can refuse it
        var list = Path.Combine(root, "images.txt");
        var lines = File.ReadAllLines(list);
        lines[2] = "3 ../../outside.jpg";
        File.WriteAllLines(list, lines);
        var error = Fails(() => Cub200.Load(root, DataSplit.All), list, "line 3", "../../outside.jpg", "leads outside the images folder");
        Assert.AreEqual(3, error.Line);
    }

    [TestMethod]
    public void ListedButMissing_StanfordDogs_NamesMatFileAndEntry()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.StanfordDogs(temp, "uncompressed");
        File.Delete(Path.Combine(root, "Images", "n02085782-Japanese_spaniel", "n02085782_8.jpg"));
        Fails(() => StanfordDogs.Load(root, DataSplit.Test), Path.Combine(root, "lists", "test_list.mat"), "entry 2", "n02085782_8.jpg", "does not exist");
    }

    [TestMethod]
    public void ListedButMissing_Row_NamesTheFile()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "gone.jpg");
        Fails(() => ImageDataset.FromEnumerable([new ImageRow { ImagePath = path, Label = "x" }]), path, "does not exist");
    }

    [TestMethod]
    public void EmptyClassFolder_NamesTheFolder()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.ImageFolder(temp, "set", 2, "a", "c");
        var empty = temp.Folder("set/b");
        temp.WriteLines("set/b/readme.txt", "no images here");
        Fails(() => ImageFolder.Load(root), empty, "class folder 'b' has no image files");
    }

    [TestMethod]
    public void LabelOutOfRange_Cub_NamesLabelFileAndLine()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.Cub(temp);
        var labels = Path.Combine(root, "image_class_labels.txt");
        var lines = File.ReadAllLines(labels);
        lines[4] = "5 7";
        File.WriteAllLines(labels, lines);
        Fails(() => Cub200.Load(root, DataSplit.All), labels, "line 5", "class id 7", "classes.txt");
    }

    [TestMethod]
    public void LabelOutOfRange_Cifar_NamesFileAndRecord()
    {
        using var temp = new TempFolder();
        var path = temp.Write("test_batch.bin", SyntheticTrees.CifarRecords([[1], [10]]));
        Fails(() => Cifar.Load10(temp.Path, DataSplit.Test), path, "record 1", "label 10");
    }

    [TestMethod]
    public void LabelOutOfRange_Idx_NamesLabelsFile()
    {
        using var temp = new TempFolder();
        var images = temp.Write("images.idx", SyntheticTrees.Idx([2, 2, 2], new byte[8], gzip: false));
        var labels = temp.Write("labels.idx", SyntheticTrees.Idx([2], [1, 12], gzip: false));
        Fails(() => Idx.Load(images, labels, Idx.MnistClasses), labels, "label 1 is 12");
    }

    [TestMethod]
    public void LabelOutOfRange_StanfordDogs_NamesMatFileAndEntry()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.StanfordDogs(temp, "compressed");
        var list = temp.Write("dogs/lists/test_list.mat", File.ReadAllBytes(SyntheticTrees.MatFixture(string.Empty, "bad/label_out_of_range.mat")));
        Fails(() => StanfordDogs.Load(root, DataSplit.Test), list, "entry 2", "label 4", "1 to 3");
    }

    [TestMethod]
    public void LabelOutOfRange_Rows_NamesRowAndLabel()
    {
        var rows = new[] { (Name: "a.png", Label: "cat"), (Name: "b.png", Label: "emu") };
        Fails(() => ImageDataset.FromEnumerable(rows, r => ImageSource.FromBytes(FixtureImages.Jpeg, r.Name), r => r.Label, ["cat", "dog"]), "b.png", "row 2", "'emu'");
    }

    [TestMethod]
    public void MismatchedListLengths_Cub_NamesTheShortList()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.Cub(temp);
        var split = Path.Combine(root, "train_test_split.txt");
        File.WriteAllLines(split, File.ReadAllLines(split)[..5]);
        Fails(() => Cub200.Load(root), split, "has 5 entries", "has 6", "image id 6");
    }

    [TestMethod]
    public void MismatchedListLengths_StanfordDogs_NamesTheMatFile()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.StanfordDogs(temp, "compressed");
        var list = temp.Write("dogs/lists/train_list.mat", File.ReadAllBytes(SyntheticTrees.MatFixture(string.Empty, "bad/mismatched_lengths.mat")));
        Fails(() => StanfordDogs.Load(root), list, "file_list has 5 entries but labels has 3");
    }

    [TestMethod]
    public void MismatchedLengths_Idx_NamesLabelsFile()
    {
        using var temp = new TempFolder();
        var images = temp.Write("images.idx", SyntheticTrees.Idx([3, 2, 2], new byte[12], gzip: true));
        var labels = temp.Write("labels.idx", SyntheticTrees.Idx([2], [1, 2], gzip: true));
        Fails(() => Idx.Load(images, labels), labels, "holds 2 labels", "3 images");
    }

    [TestMethod]
    public void MalformedListLine_Cub_NamesFileAndLine()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.Cub(temp);
        var labels = Path.Combine(root, "image_class_labels.txt");
        File.AppendAllText(labels, "x 1\n");
        Fails(() => Cub200.Load(root), labels, "line 7", "id 'x' is not an integer");
    }

    [TestMethod]
    public void TruncatedIdxAndCifar_NameTheFile()
    {
        using var temp = new TempFolder();
        var images = temp.Write("images.idx", SyntheticTrees.Idx([3, 2, 2], new byte[12], gzip: false)[..^2]);
        var labels = temp.Write("labels.idx", SyntheticTrees.Idx([3], [1, 2, 0], gzip: false));
        Fails(() => Idx.Load(images, labels), images, "truncated");
        var whole = temp.Write("whole.idx", SyntheticTrees.Idx([3, 2, 2], new byte[12], gzip: false));
        var gz = temp.Write("cut.gz", SyntheticTrees.Idx([3], [1, 2, 0], gzip: true)[..12]);
        Fails(() => Idx.Load(whole, gz), gz);
        var cifar = temp.Write("cifar/test_batch.bin", SyntheticTrees.CifarRecords([[1]])[..3000]);
        Fails(() => Cifar.Load10(Path.GetDirectoryName(cifar)!, DataSplit.Test), cifar, "not a whole number of 3073-byte records");
    }

    [TestMethod]
    public void IdxBombs_HugeDimensionsOrGzipInflatingPastTheHeader_RefusedNamingTheFile()
    {
        using var temp = new TempFolder();
        var labels = temp.Write("labels.idx", SyntheticTrees.Idx([1], [0], gzip: false));

        // Dimensions whose product passes 2^64 (it used to wrap around and pass the size check).
        var huge = SyntheticTrees.Idx([1, 1, 1], [0], gzip: false);
        foreach (var d in new[] { 4, 8, 12 })
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(huge.AsSpan(d), int.MaxValue);
        }

        var wrapped = temp.Write("huge.idx", huge);
        Fails(() => Idx.Load(wrapped, labels), wrapped, $"[{int.MaxValue}, {int.MaxValue}, {int.MaxValue}]", "the most one IDX file can hold");

        // A 1×4×4 header followed by 64 MB of zeros, gzipped to a few kB: refused after the 16 declared bytes, not inflated whole.
        var plain = new byte[4 + 12 + (64 << 20)];
        SyntheticTrees.Idx([1, 4, 4], new byte[16], gzip: false).CopyTo(plain, 0);
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        var bomb = temp.Write("bomb.idx.gz", packed.ToArray());
        var before = GC.GetAllocatedBytesForCurrentThread();
        Fails(() => Idx.Load(bomb, labels), bomb, "[1, 4, 4] = 16 bytes of data but the file holds more");
        Assert.IsLessThan(32L << 20, GC.GetAllocatedBytesForCurrentThread() - before, "the reader stops after the declared bytes instead of inflating 64 MB");
    }

    [TestMethod]
    public void MalformedMat_NotMatlab_Truncated_BadZlib_MissingVariable()
    {
        using var temp = new TempFolder();
        var good = File.ReadAllBytes(SyntheticTrees.MatFixture("compressed", "train_list.mat"));
        var uncompressed = File.ReadAllBytes(SyntheticTrees.MatFixture("uncompressed", "train_list.mat"));

        var text = temp.Write("text.mat", "file_list labels"u8);
        Fails(() => MatFile.Read(text), text, "not a MATLAB 5 .mat file");

        var cut = temp.Write("cut.mat", uncompressed.AsSpan(0, uncompressed.Length - 300));
        Fails(() => MatFile.Read(cut), cut, "malformed .mat file", "truncated");

        var zlib = (byte[])good.Clone();
        Array.Fill(zlib, (byte)0xEE, 150, 60);
        var badZlib = temp.Write("zlib.mat", zlib);
        Fails(() => MatFile.Read(badZlib), badZlib);

        var header = (byte[])good.Clone();
        header[126] = (byte)'X';
        var badHeader = temp.Write("endian.mat", header);
        Fails(() => MatFile.Read(badHeader), badHeader, "byte-order mark");

        var misc = SyntheticTrees.MatFixture(string.Empty, "misc.mat");
        Fails(() => MatFile.Read(misc).GetStrings("file_list"), misc, "no variable 'file_list'");
        Fails(() => MatFile.Read(misc).GetNumbers("rows"), misc, "'rows' is a MatCharArray, not a MatNumericArray");
    }

    [TestMethod]
    public void MatBomb_CompressedElementDeclaringGigabytes_RefusedBeforeInflating()
    {
        using var temp = new TempFolder();
        var header = File.ReadAllBytes(SyntheticTrees.MatFixture("compressed", "train_list.mat"))[..128];   // text, version, "IM"
        var inner = new byte[8 + (1 << 20)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(inner, 14);                 // miMATRIX
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(inner.AsSpan(4), 0x7FFF_FFF0); // declares 2 GB
        using var packed = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(packed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            z.Write(inner);
        }

        var element = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(element, 15);                   // miCOMPRESSED
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(element.AsSpan(4), (uint)packed.Length);
        var bomb = temp.Write("bomb.mat", [.. header, .. element, .. packed.ToArray()]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Fails(() => MatFile.Read(bomb), bomb, "declares 2,147,483,640 bytes", "more than the 268,435,456 this reader inflates");
        Assert.IsLessThan(16L << 20, GC.GetAllocatedBytesForCurrentThread() - before, "refused from the inner tag, nothing inflated");
    }

    [TestMethod]
    public void MalformedMat_AsStanfordDogsList_NamesTheList()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.StanfordDogs(temp, "compressed");
        var list = temp.Write("dogs/lists/test_list.mat", "MATLAB 5.0 MAT-file, but nothing else"u8);
        Fails(() => StanfordDogs.Load(root, DataSplit.Test), list);
    }

    [TestMethod]
    public void SkipInvalidImages_RecordsEverySkipInTheReport()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.ImageFolder(temp, "set", 3, "a", "c");
        var empty = temp.Write("set/a/empty.jpg", []);
        var folder = temp.Folder("set/b");
        var corrupt = temp.Write("set/c/corrupt.jpg", CorruptHuffmanTable());
        var tiff = temp.Write("set/c/tiff.jpg", Tiff);
        var cut = temp.Write("set/c/cut.jpg", FixtureImages.Jpeg.AsSpan(0, 300));

        var data = ImageFolder.Load(root, new ImageDatasetOptions { SkipInvalidImages = true });

        Assert.AreEqual(9, data.Count, "3 + 3 good images and the 3 bad ones in c (found when decoded)");
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, data.Classes.ToArray(), "an empty class keeps its index");
        CollectionAssert.AreEquivalent(new[] { empty, folder }, data.SkipReport.Items.Select(s => s.FilePath).ToArray());

        var loader = new ImageLoader(data, new ImagePipeline().Resize(8, 8), new() { BatchSize = 4, Shuffle = false, Workers = 2 });
        var delivered = 0;
        for (var epoch = 0; epoch < 2; epoch++)
        {
            delivered = 0;
            foreach (var batch in loader.Epoch(epoch))
            {
                using (batch)
                {
                    delivered += batch.Count;
                    Assert.AreEqual((long)batch.Count, batch.Images.shape[0]);
                }
            }
        }

        Assert.AreEqual(6, delivered);
        var skipped = data.SkipReport.Items;
        Assert.AreEqual(5, skipped.Count, string.Join("\n", skipped));
        CollectionAssert.IsSubsetOf(new[] { corrupt, tiff, cut }, skipped.Select(s => s.FilePath).ToArray());
        StringAssert.Contains(data.SkipReport.ToString(), "TIFF image");
    }

    [TestMethod]
    public void SkipInvalidImages_ListedButMissing_CubReportsListLine()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.Cub(temp);
        File.Delete(Path.Combine(root, "images", "001.Alpha_Bird", "Alpha_Bird_0001.jpg"));

        var train = Cub200.Load(root, DataSplit.Train, new ImageDatasetOptions { SkipInvalidImages = true });

        Assert.AreEqual(2, train.Count);
        var skip = train.SkipReport.Items.Single();
        Assert.AreEqual((Path.Combine(root, "images.txt"), (int?)1), (skip.FilePath, skip.Line));
        StringAssert.Contains(skip.Reason, "does not exist");
    }
}
