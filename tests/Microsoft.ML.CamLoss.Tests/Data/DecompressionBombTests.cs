using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML.CamLoss.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>
/// The decompression-bomb guard: files of a few hundred bytes whose headers declare hundreds of
/// megapixels are refused from the header alone, before any pixel buffer exists (a decode of the
/// 20000 × 20000 PNG would need 1.6 GB of RGBA, the 60000 × 60000 JPEG 14.4 GB). The proof that
/// nothing big was allocated: this thread's managed allocations stay under 4 MB, and on Linux the
/// process's peak resident memory (reset through /proc/self/clear_refs first) grows by under 64 MB.
/// </summary>
[TestClass]
public sealed class DecompressionBombTests
{
    private const long ManagedBudget = 4L << 20;
    private const long ResidentBudget = 64L << 20;

    /// <summary>A PNG whose IHDR declares <paramref name="width"/> × <paramref name="height"/> RGB, with one row of real data (deflate makes the rest cheap to declare).</summary>
    internal static byte[] PngBomb(int width, int height)
    {
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            z.Write(new byte[1 + (3 * Math.Min(width, 64))]);
        }

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;   // bits per sample
        ihdr[9] = 2;   // RGB
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", ihdr), .. Chunk("IDAT", idat.ToArray()), .. Chunk("IEND", [])];
    }

    /// <summary>The fixture JPEG with its start-of-frame declaring <paramref name="width"/> × <paramref name="height"/>.</summary>
    internal static byte[] JpegBomb(int width, int height)
    {
        var jpeg = FixtureImages.Jpeg;
        var sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        Assert.IsTrue(sof > 0, "the fixture is a baseline JPEG (SOF0)");
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), (ushort)width);
        return jpeg;
    }

    [TestMethod]
    public void DecodeRgb_PngDeclaring20000Squared_RefusedFromTheHeaderAlone()
    {
        var bomb = PngBomb(20000, 20000);
        Assert.IsTrue(bomb.Length < 1000, $"the bomb is {bomb.Length} bytes");

        var error = RefusedWithoutAllocating(() => ImageDecoding.DecodeRgb(bomb, "/uploads/bomb.png"));

        StringAssert.Contains(error.Message, "/uploads/bomb.png");
        StringAssert.Contains(error.Message, "20000 × 20000 = 400,000,000 pixels");
        StringAssert.Contains(error.Message, "limit of 67,108,864");
        StringAssert.Contains(error.Message, "ImageDatasetOptions.MaxImagePixels");
    }

    [TestMethod]
    public void DecodeFile_JpegDeclaring60000Squared_RefusedFromTheHeaderAlone()
    {
        using var temp = new TempFolder();
        var path = temp.Write("huge.jpg", JpegBomb(60000, 60000));

        var error = RefusedWithoutAllocating(() => ImageDecoding.DecodeFile(path));

        Assert.AreEqual(path, error.FilePath);
        StringAssert.Contains(error.Message, "JPEG header declares 60000 × 60000 = 3,600,000,000 pixels");
        StringAssert.Contains(error.Message, "limit of 67,108,864");
    }

    [TestMethod]
    public void DecodeRgb_GifAndPnmDeclaringHugeCanvases_Refused()
    {
        var gif = FixtureImages.Bytes("anim.gif");
        gif.AsSpan(6, 4).Fill(0xFF);   // logical screen 65535 × 65535
        var error = RefusedWithoutAllocating(() => ImageDecoding.DecodeRgb(gif, "canvas.gif"));
        StringAssert.Contains(error.Message, "65535 × 65535");

        var ppm = "P6 100000 100000 255\n"u8.ToArray();
        error = RefusedWithoutAllocating(() => ImageDecoding.DecodeRgb(ppm, "huge.ppm"));
        StringAssert.Contains(error.Message, "100000 × 100000");
    }

    [TestMethod]
    public void DecodeRgb_LimitIsInclusiveAndConfigurable()
    {
        var jpeg = FixtureImages.Jpeg;   // 24 × 16 = 384 pixels

        using (var atLimit = ImageDecoding.DecodeRgb(jpeg, "a.jpg", maxPixels: 384))
        {
            CollectionAssert.AreEqual(new long[] { 16, 24, 3 }, atLimit.shape);
        }

        var error = Assert.ThrowsExactly<DatasetException>(() => ImageDecoding.DecodeRgb(jpeg, "a.jpg", maxPixels: 383));
        StringAssert.Contains(error.Message, "24 × 16 = 384 pixels, more than the limit of 383");

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ImageDatasetOptions { MaxImagePixels = 0 });
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ImageDatasetOptions { MaxImagePixels = ImageDecoding.MaxSupportedPixels + 1 });
    }

    [TestMethod]
    public void ImageLoader_BombInAFolder_SkippedLikeOtherBadImagesAndReported()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.ImageFolder(temp, "set", 3, "a", "b");
        var bomb = temp.Write("set/b/bomb.png", PngBomb(20000, 20000));

        var strict = ImageFolder.Load(root);
        var loader = new ImageLoader(strict, new ImagePipeline().Resize(8, 8), new() { BatchSize = 4, Shuffle = false, Workers = 2 });
        var error = Assert.ThrowsExactly<DatasetException>(() =>
        {
            foreach (var batch in loader.Epoch(0))
            {
                batch.Dispose();
            }
        });
        Assert.AreEqual(bomb, error.FilePath);

        var lenient = ImageFolder.Load(root, new ImageDatasetOptions { SkipInvalidImages = true });
        var delivered = 0;
        foreach (var batch in new ImageLoader(lenient, new ImagePipeline().Resize(8, 8), new() { BatchSize = 4, Shuffle = false, Workers = 2 }).Epoch(0))
        {
            using (batch)
            {
                delivered += batch.Count;
            }
        }

        Assert.AreEqual(6, delivered);
        var skip = lenient.SkipReport.Items.Single();
        Assert.AreEqual(bomb, skip.FilePath);
        StringAssert.Contains(skip.Reason, "limit of 67,108,864");
    }

    [TestMethod]
    public void ImageDatasetOptions_MaxImagePixels_ReachesTheLoader()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.ImageFolder(temp, "set", 2, "a");
        var data = ImageFolder.Load(root, new ImageDatasetOptions { SkipInvalidImages = true, MaxImagePixels = 100 });
        Assert.AreEqual(100, data.MaxImagePixels);
        Assert.AreEqual(100, data.Subset([0]).MaxImagePixels, "subsets keep the limit");

        var batches = new ImageLoader(data, new ImagePipeline(), new() { BatchSize = 2, Workers = 0 }).Epoch(0).ToList();

        Assert.AreEqual(0, batches.Count, "both 384-pixel images exceed a limit of 100 and are skipped");
        Assert.AreEqual(2, data.SkipReport.Count);
        StringAssert.Contains(data.SkipReport.Items[0].Reason, "more than the limit of 100");
    }

    private static DatasetException RefusedWithoutAllocating(Func<IDisposable> decode)
    {
        ResetPeakResident();
        var peakBefore = PeakResident();
        var managedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.ThrowsExactly<DatasetException>(() => decode().Dispose());

        var managed = GC.GetAllocatedBytesForCurrentThread() - managedBefore;
        var resident = PeakResident() - peakBefore;
        Console.WriteLine($"refused: managed allocations {managed:N0} bytes, peak resident growth {resident:N0} bytes");
        Assert.IsTrue(managed < ManagedBudget, $"{managed:N0} bytes allocated on the managed heap while refusing the bomb");
        Assert.IsTrue(resident < ResidentBudget, $"peak resident memory grew by {resident:N0} bytes while refusing the bomb");
        StringAssert.Contains(error.Message, "decompression bombs");
        return error;
    }

    /// <summary>Peak resident set (VmHWM) in bytes on Linux; 0 elsewhere (the managed check still holds).</summary>
    private static long PeakResident()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Resets VmHWM to the current resident set (Linux 4.0+: write 5 to clear_refs), so a peak from an earlier test cannot hide one here.</summary>
    private static void ResetPeakResident()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                File.WriteAllText("/proc/self/clear_refs", "5");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without the reset the peak can only hide growth below an earlier peak; the managed check still holds.
        }
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
