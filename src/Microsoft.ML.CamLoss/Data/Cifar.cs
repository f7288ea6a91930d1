namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Reads CIFAR-10 and CIFAR-100 in their binary versions: records of
/// <c>&lt;label byte(s)&gt;&lt;3072 bytes: 1024 R, 1024 G, 1024 B, each 32×32 row-major&gt;</c>
/// (CIFAR-100: a coarse then a fine label byte). The images are held in memory
/// (<see cref="ImageDataset.InMemory"/>, 3×32×32 each), never decoded again.
/// </summary>
public static class Cifar
{
    private const int ImageBytes = 3 * 32 * 32;

    /// <summary>CIFAR-10's class names in label order (as in <c>batches.meta.txt</c>).</summary>
    public static IReadOnlyList<string> Cifar10Classes { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>
    /// Loads CIFAR-10 from <paramref name="folder"/> (<c>cifar-10-batches-bin</c> or its parent):
    /// <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c> for training, <c>test_batch.bin</c> for test;
    /// class names from <c>batches.meta.txt</c> when present.
    /// </summary>
    /// <exception cref="DatasetException">A file is missing, not a whole number of records, or holds a label ≥ 10.</exception>
    public static ImageDataset Load10(string folder, DataSplit split = DataSplit.Train)
    {
        folder = Resolve(folder, "cifar-10-batches-bin", "test_batch.bin");
        var train = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin");
        string[] files = split switch
        {
            DataSplit.Train => [.. train],
            DataSplit.Test => ["test_batch.bin"],
            _ => [.. train, "test_batch.bin"],
        };
        var classes = Names(Path.Combine(folder, "batches.meta.txt"), Cifar10Classes);
        return Read(folder, files, labelBytes: 1, labelOffset: 0, classes);
    }

    /// <summary>
    /// Loads CIFAR-100 from <paramref name="folder"/> (<c>cifar-100-binary</c> or its parent):
    /// <c>train.bin</c> and <c>test.bin</c>, class names from <c>fine_label_names.txt</c> /
    /// <c>coarse_label_names.txt</c> when present (otherwise the label numbers).
    /// </summary>
    /// <exception cref="DatasetException">A file is missing, not a whole number of records, or holds a label out of range.</exception>
    public static ImageDataset Load100(string folder, DataSplit split = DataSplit.Train, Cifar100Labels labels = Cifar100Labels.Fine)
    {
        folder = Resolve(folder, "cifar-100-binary", "test.bin");
        string[] files = split switch
        {
            DataSplit.Train => ["train.bin"],
            DataSplit.Test => ["test.bin"],
            _ => ["train.bin", "test.bin"],
        };
        var (count, namesFile) = labels == Cifar100Labels.Fine ? (100, "fine_label_names.txt") : (20, "coarse_label_names.txt");
        var classes = Names(Path.Combine(folder, namesFile), [.. Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        return Read(folder, files, labelBytes: 2, labelOffset: labels == Cifar100Labels.Fine ? 1 : 0, classes);
    }

    private static string Resolve(string folder, string subfolder, string probe)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        folder = Path.GetFullPath(folder);
        return !File.Exists(Path.Combine(folder, probe)) && Directory.Exists(Path.Combine(folder, subfolder)) ? Path.Combine(folder, subfolder) : folder;
    }

    private static ClassNames Names(string file, IReadOnlyList<string> fallback)
    {
        if (!File.Exists(file))
        {
            return new ClassNames(fallback);
        }

        var names = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        return names.Length == fallback.Count
            ? new ClassNames(names)
            : throw new DatasetException(file, $"holds {names.Length} class names; this label set has {fallback.Count} classes.");
    }

    private static ImageDataset Read(string folder, string[] files, int labelBytes, int labelOffset, ClassNames classes)
    {
        var record = labelBytes + ImageBytes;
        var paths = files.Select(f => Path.Combine(folder, f)).ToArray();
        var total = 0L;
        foreach (var path in paths)
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new DatasetException(path, "the CIFAR batch file does not exist.");
            }

            if (info.Length == 0 || info.Length % record != 0)
            {
                throw new DatasetException(path, $"is {info.Length} bytes, not a whole number of {record}-byte records ({labelBytes} label byte(s) + {ImageBytes} pixels): truncated or not a CIFAR binary file.");
            }

            total += info.Length / record;
        }

        var pixels = new byte[total * ImageBytes];
        var labels = new int[total];
        var n = 0;
        foreach (var path in paths)
        {
            var bytes = File.ReadAllBytes(path);
            for (var offset = 0; offset < bytes.Length; offset += record, n++)
            {
                labels[n] = bytes[offset + labelOffset];
                if (labels[n] >= classes.Count)
                {
                    throw new DatasetException(path, $"record {offset / record} (byte {offset + labelOffset}) has label {labels[n]}; labels must be below {classes.Count}.");
                }

                bytes.AsSpan(offset + labelBytes, ImageBytes).CopyTo(pixels.AsSpan(n * ImageBytes, ImageBytes));
            }
        }

        var name = paths.Length == 1 ? paths[0] : $"{folder} ({string.Join(", ", files)})";
        var block = new InMemoryImages(name, pixels, n, 3, 32, 32);
        var samples = labels.Select((label, i) => new ImageSample(new InMemoryImageSource(block, i), label)).ToArray();
        return new ImageDataset(samples, classes, name, skipInvalidImages: false, new SkipReport());
    }
}
