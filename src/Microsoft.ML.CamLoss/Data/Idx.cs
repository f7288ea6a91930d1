using System.Buffers.Binary;
using System.IO.Compression;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Reads IDX files (MNIST, Fashion-MNIST), gzipped or not (recognised by content, not name):
/// a big-endian header <c>0x00 0x00 0x08 rank</c> (<c>0x00000803</c> images, <c>0x00000801</c>
/// labels), one big-endian int32 per dimension, then unsigned bytes. Images are held in memory
/// (<see cref="ImageDataset.InMemory"/>, 1×H×W each, greyscale).
/// </summary>
public static class Idx
{
    /// <summary>The default folder of Debian's <c>dataset-fashion-mnist</c> package.</summary>
    public const string DebianFashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Fashion-MNIST's class names in label order.</summary>
    public static IReadOnlyList<string> FashionMnistClasses { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>MNIST's class names ("0" … "9").</summary>
    public static IReadOnlyList<string> MnistClasses { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>
    /// Loads an images file (<c>[N, H, W]</c>) and its labels file (<c>[N]</c>). Without
    /// <paramref name="classNames"/> the classes are "0" … the largest label.
    /// </summary>
    /// <exception cref="DatasetException">A file is missing, malformed or truncated, the counts differ, or a label is out of range.</exception>
    public static ImageDataset Load(string imagesPath, string labelsPath, IEnumerable<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        imagesPath = Path.GetFullPath(imagesPath);
        labelsPath = Path.GetFullPath(labelsPath);
        var (imageDims, pixels) = ReadFile(imagesPath, 3);
        var (labelDims, labels) = ReadFile(labelsPath, 1);
        if (labelDims[0] != imageDims[0])
        {
            throw new DatasetException(labelsPath, $"holds {labelDims[0]} labels but {imagesPath} holds {imageDims[0]} images; they must match.");
        }

        var classes = new ClassNames(classNames ?? Enumerable.Range(0, labels.Length == 0 ? 0 : labels.Max() + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes.Count)
            {
                throw new DatasetException(labelsPath, $"label {i} is {labels[i]}; labels must be below {classes.Count} (the number of classes).");
            }
        }

        var block = new InMemoryImages(imagesPath, pixels, imageDims[0], 1, imageDims[1], imageDims[2]);
        var samples = new ImageSample[labels.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = new ImageSample(new InMemoryImageSource(block, i), labels[i]);
        }

        return new ImageDataset(samples, classes, imagesPath, skipInvalidImages: false, new SkipReport());
    }

    /// <summary>
    /// Loads the MNIST file layout in <paramref name="folder"/>: <c>train-images-idx3-ubyte</c>,
    /// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>,
    /// each with or without <c>.gz</c>.
    /// </summary>
    public static ImageDataset LoadMnistLayout(string folder, DataSplit split, IEnumerable<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (split == DataSplit.All)
        {
            throw new ArgumentException("Load DataSplit.Train and DataSplit.Test separately: the MNIST layout keeps them in separate files.", nameof(split));
        }

        var prefix = split == DataSplit.Train ? "train" : "t10k";
        return Load(Find(folder, $"{prefix}-images-idx3-ubyte"), Find(folder, $"{prefix}-labels-idx1-ubyte"), classNames);
    }

    /// <summary>Loads Fashion-MNIST (60,000 train / 10,000 test) from <paramref name="folder"/> (default: Debian's package).</summary>
    public static ImageDataset LoadFashionMnist(DataSplit split, string folder = DebianFashionMnistFolder) =>
        LoadMnistLayout(folder, split, FashionMnistClasses);

    /// <summary>
    /// Reads an IDX file of unsigned bytes with <paramref name="rank"/> dimensions, gzipped or not. The header is read
    /// first and the data is read to exactly the size it declares (its dimensions multiplied, overflow-checked, at most
    /// one array's worth): a gzip stream that inflates beyond that is refused after the declared bytes, not inflated
    /// whole first.
    /// </summary>
    internal static (int[] Dims, byte[] Data) ReadFile(string path, int rank)
    {
        try
        {
            var raw = File.ReadAllBytes(path);
            using var stream = raw.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B
                ? (Stream)new GZipStream(new MemoryStream(raw), CompressionMode.Decompress)
                : new MemoryStream(raw);
            return ReadFile(path, rank, stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DatasetException(path, "the IDX file does not exist.", innerException: e);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(path, $"the gzip stream is corrupt or truncated ({e.Message}).", innerException: e);
        }
    }

    private static (int[] Dims, byte[] Data) ReadFile(string path, int rank, Stream stream)
    {
        var header = new byte[4 + (4 * rank)];
        var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < 4 || header[0] != 0 || header[1] != 0)
        {
            throw new DatasetException(path, "is not an IDX file (it must start with the bytes 00 00).");
        }

        if (header[2] != 0x08)
        {
            throw new DatasetException(path, $"holds elements of type 0x{header[2]:X2}; only unsigned bytes (0x08) are supported.");
        }

        if (header[3] != rank || read < header.Length)
        {
            throw new DatasetException(path, $"has {header[3]} dimensions (magic 0x{BinaryPrimitives.ReadInt32BigEndian(header):X8}); expected {rank} (magic 0x{0x800 + rank:X8}).");
        }

        var dims = new int[rank];
        for (var d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + (4 * d)));
            if (dims[d] < 0)
            {
                throw new DatasetException(path, $"dimension {d} is {dims[d]}; sizes must not be negative.");
            }
        }

        var shape = string.Join(", ", dims);
        var expected = dims.Contains(0) ? 0 : dims.Aggregate(1L, (n, d) => n <= Array.MaxLength ? n * d : n);   // stops growing once past the limit: no overflow
        if (expected > Array.MaxLength)
        {
            throw new DatasetException(path, $"the header says [{shape}], more than {Array.MaxLength:N0} bytes of data, the most one IDX file can hold here; it is damaged or not an IDX file.");
        }

        var data = new byte[expected];
        var got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < expected)
        {
            throw new DatasetException(path, $"the header says [{shape}] = {expected} bytes of data but the file holds {got} (truncated).");
        }

        if (stream.ReadByte() >= 0)
        {
            throw new DatasetException(path, $"the header says [{shape}] = {expected} bytes of data but the file holds more; it is damaged or not an IDX file.");
        }

        return (dims, data);
    }

    private static string Find(string folder, string name)
    {
        var plain = Path.GetFullPath(Path.Combine(folder, name));
        return File.Exists(plain) || !File.Exists(plain + ".gz") ? plain : plain + ".gz";
    }
}
