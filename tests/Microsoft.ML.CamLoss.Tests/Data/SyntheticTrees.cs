using System.IO.Compression;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>Small data set trees in the published layouts, written into a <see cref="TempFolder"/>.</summary>
public static class SyntheticTrees
{
    /// <summary>
    /// CUB_200_2011 with 3 classes and 6 images (ids 1..6; class ids 1,1,2,2,3,3; split 1,0,1,0,1,0)
    /// and bounding boxes. Returns the CUB_200_2011 folder.
    /// </summary>
    public static string Cub(TempFolder temp, bool boxes = true)
    {
        var root = temp.Folder("CUB_200_2011");
        string[] classes = ["001.Alpha_Bird", "002.Beta_Bird", "003.Gamma_Bird"];
        var images = Enumerable.Range(1, 6).Select(id => $"{classes[(id - 1) / 2]}/{classes[(id - 1) / 2][4..]}_{id:D4}.jpg").ToArray();
        foreach (var image in images)
        {
            temp.Write($"CUB_200_2011/images/{image}", FixtureImages.Jpeg);
        }

        temp.WriteLines("CUB_200_2011/classes.txt", classes.Select((c, i) => $"{i + 1} {c}"));
        temp.WriteLines("CUB_200_2011/images.txt", images.Select((p, i) => $"{i + 1} {p}"));
        temp.WriteLines("CUB_200_2011/image_class_labels.txt", images.Select((_, i) => $"{i + 1} {(i / 2) + 1}"));
        temp.WriteLines("CUB_200_2011/train_test_split.txt", images.Select((_, i) => $"{i + 1} {(i % 2 == 0 ? 1 : 0)}"));
        if (boxes)
        {
            temp.WriteLines("CUB_200_2011/bounding_boxes.txt", images.Select((_, i) => $"{i + 1} {i}.0 {i + 1}.5 10.0 {8 + i}.0"));
        }

        return root;
    }

    /// <summary>An ImageFolder tree: root/&lt;class&gt;/&lt;n&gt;.jpg with <paramref name="perClass"/> images each.</summary>
    public static string ImageFolder(TempFolder temp, string name, int perClass, params string[] classes)
    {
        foreach (var c in classes)
        {
            for (var i = 0; i < perClass; i++)
            {
                temp.Write($"{name}/{c}/{i:D3}.jpg", FixtureImages.Jpeg);
            }
        }

        return Path.Combine(temp.Path, name);
    }

    /// <summary>An IDX file of unsigned bytes: header 00 00 08 rank, big-endian sizes, data; gzipped when asked.</summary>
    public static byte[] Idx(int[] dims, byte[] data, bool gzip)
    {
        var bytes = new List<byte> { 0, 0, 0x08, (byte)dims.Length };
        foreach (var d in dims)
        {
            bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        }

        bytes.AddRange(data);
        if (!gzip)
        {
            return [.. bytes];
        }

        using var output = new MemoryStream();
        using (var z = new GZipStream(output, CompressionLevel.Fastest))
        {
            z.Write([.. bytes]);
        }

        return output.ToArray();
    }

    /// <summary>CIFAR records: each record's label bytes then 3072 pixels, pixel value = (record·7 + offset) mod 256.</summary>
    public static byte[] CifarRecords(byte[][] labels)
    {
        var bytes = new List<byte>();
        for (var r = 0; r < labels.Length; r++)
        {
            bytes.AddRange(labels[r]);
            bytes.AddRange(Enumerable.Range(0, 3072).Select(o => (byte)((r * 7) + o)));
        }

        return [.. bytes];
    }

    /// <summary>
    /// The Stanford Dogs tree the SciPy-written lists in Fixtures/mat/dogs_<paramref name="lists"/>/ describe:
    /// 3 breeds, 5 train + 2 test images, lists in lists/. Returns the root.
    /// </summary>
    public static string StanfordDogs(TempFolder temp, string lists)
    {
        string[] train = ["n02085620-Chihuahua/n02085620_1.jpg", "n02085620-Chihuahua/n02085620_2.jpg", "n02085782-Japanese_spaniel/n02085782_7.jpg", "n02086240-Shih-Tzu/n02086240_3.jpg", "n02086240-Shih-Tzu/n02086240_4.jpg"];
        string[] test = ["n02085620-Chihuahua/n02085620_5.jpg", "n02085782-Japanese_spaniel/n02085782_8.jpg"];
        foreach (var file in train.Concat(test))
        {
            temp.Write($"dogs/Images/{file}", FixtureImages.Jpeg);
        }

        foreach (var list in new[] { "train_list.mat", "test_list.mat" })
        {
            temp.Write($"dogs/lists/{list}", File.ReadAllBytes(MatFixture(lists, list)));
        }

        return Path.Combine(temp.Path, "dogs");
    }

    /// <summary>Path of a .mat fixture written by Reference/generate_mat_fixtures.py.</summary>
    public static string MatFixture(string lists, string name) =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "mat", lists.Length == 0 ? name : $"dogs_{lists}/{name}");

    /// <summary>Renames <paramref name="file"/> in <paramref name="folder"/> to "caf\xE9" and its extension: the byte 0xE9 alone is Latin-1's é and no valid UTF-8 (.NET's string APIs cannot write such a name; bash can). Returns the path as .NET lists it (U+FFFD for the byte).</summary>
    public static string RenameToLatin1(string folder, string file)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/bin/bash") { WorkingDirectory = folder };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"mv -- '{file}' $'caf\\xe9'{Path.GetExtension(file)}");
        using var move = System.Diagnostics.Process.Start(start)!;
        move.WaitForExit();
        Assert.AreEqual(0, move.ExitCode, "mv to a Latin-1 name");
        return Path.Combine(folder, "caf\uFFFD" + Path.GetExtension(file));   // the name as .NET lists it
    }
}
