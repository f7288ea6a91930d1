using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Cli.Data;

/// <summary>
/// Finds out which layout a data folder has (<c>--format auto</c>) by looking for each layout's
/// marker, in this order: <c>images.txt</c> (CUB-200-2011, also in <c>CUB_200_2011/</c>),
/// <c>Images/</c> with <c>lists/train_list.mat</c> (Stanford Dogs), <c>data_batch_1.bin</c> /
/// <c>test_batch.bin</c> / <c>train.bin</c> (CIFAR binary, also in <c>cifar-10-batches-bin/</c> or
/// <c>cifar-100-binary/</c>), <c>*-idx3-ubyte[.gz]</c> (IDX), <c>train/&lt;class&gt;/</c> (ImageFolder
/// with splits), <c>&lt;class&gt;/&lt;image&gt;</c> (plain ImageFolder). Then opens it as a <see cref="DataSource"/>.
/// </summary>
internal static class DataLocator
{
    private const string Markers =
        "train/<class>/ or <class>/<image> folders (imagefolder), images.txt (cub), Images/ with lists/train_list.mat (dogs), " +
        "data_batch_1.bin, test_batch.bin or train.bin (cifar), *-idx3-ubyte[.gz] (idx)";

    /// <summary>Opens <paramref name="path"/> as <paramref name="format"/>, detecting the layout for <see cref="DataFormat.Auto"/>.</summary>
    /// <exception cref="CliException">The folder is missing, or no layout's marker is in it.</exception>
    public static DataSource Open(string path, DataFormat format)
    {
        var root = Path.GetFullPath(path);
        if (PathKinds.Of(root) is var kind && kind != PathKind.Folder)
        {
            throw new CliException("data path " + PathKinds.Describe(path, kind, "--data takes the data set's folder"));
        }

        var detected = format == DataFormat.Auto
            ? Detect(root) ?? throw new CliException($"cannot tell the layout of data folder '{path}': found none of {Markers}; pass --format if it is one of these")
            : format;
        return detected switch
        {
            DataFormat.ImageFolder => ImageFolderSource(root),
            DataFormat.Cub => new DataSource(DataFormat.Cub, root, "CUB-200-2011", true, (split, options) => Cub200.Load(root, split, options)),
            DataFormat.Dogs => new DataSource(DataFormat.Dogs, root, "Stanford Dogs", true, (split, options) => StanfordDogs.Load(root, split, options)),
            DataFormat.Cifar => CifarSource(root),
            DataFormat.Idx => IdxSource(root),
            _ => throw new CliException(EnumNames.UnknownMessage<DataFormat>(detected.ToString(), "format"), ExitCodes.Usage),
        };
    }

    /// <summary>The layout whose marker is in <paramref name="root"/>, or null.</summary>
    public static DataFormat? Detect(string root)
    {
        if (File.Exists(Path.Combine(root, "images.txt")) || File.Exists(Path.Combine(root, "CUB_200_2011", "images.txt")))
        {
            return DataFormat.Cub;
        }

        if (Directory.Exists(Path.Combine(root, "Images"))
            && (File.Exists(Path.Combine(root, "lists", "train_list.mat")) || File.Exists(Path.Combine(root, "train_list.mat"))))
        {
            return DataFormat.Dogs;
        }

        if (CifarFolder(root) is not null)
        {
            return DataFormat.Cifar;
        }

        if (IdxFiles(root, "idx3").Length > 0)
        {
            return DataFormat.Idx;
        }

        return HasClassFolders(Path.Combine(root, "train")) || HasClassFolders(root) ? DataFormat.ImageFolder : null;
    }

    private static DataSource ImageFolderSource(string root)
    {
        var train = Path.Combine(root, "train");
        if (!Directory.Exists(train))
        {
            return new DataSource(DataFormat.ImageFolder, root, "ImageFolder", false, (_, options) => ImageFolder.Load(root, options));
        }

        var test = Path.Combine(root, "test");
        var validation = new[] { "val", "valid", "validation" }.Select(v => Path.Combine(root, v)).FirstOrDefault(Directory.Exists);
        var hasTest = Directory.Exists(test);
        var description = "ImageFolder with train/" + (hasTest ? " and test/" : string.Empty) + (validation is null ? string.Empty : $" and {Path.GetFileName(validation)}/");
        return new DataSource(DataFormat.ImageFolder, root, description, hasTest, (split, options) => split switch
        {
            DataSplit.Train => ImageFolder.Load(train, options),
            DataSplit.Test when hasTest => ImageFolder.Load(test, options),
            DataSplit.Test => throw new CliException($"data folder '{root}' has no test/ folder beside train/, so it has no test split; choose --split train"),
            _ => throw new CliException($"data folder '{root}' keeps train/ and test/ apart; choose --split train or --split test"),
        }, validation);
    }

    private static DataSource CifarSource(string root)
    {
        var folder = CifarFolder(root) ?? throw new CliException($"data folder '{root}' has no CIFAR binary files (data_batch_1.bin … test_batch.bin for CIFAR-10, train.bin and test.bin for CIFAR-100)");
        return folder.IsCifar10
            ? new DataSource(DataFormat.Cifar, root, "CIFAR-10 binary", true, (split, _) => Cifar.Load10(folder.Path, split))
            : new DataSource(DataFormat.Cifar, root, "CIFAR-100 binary", true, (split, _) => Cifar.Load100(folder.Path, split));
    }

    private static DataSource IdxSource(string root)
    {
        var names = root.Contains("fashion", StringComparison.OrdinalIgnoreCase) ? Idx.FashionMnistClasses : null;
        var images = IdxFiles(root, "idx3");
        if (images.Any(f => Path.GetFileName(f).StartsWith("train-images-", StringComparison.Ordinal))
            && images.Any(f => Path.GetFileName(f).StartsWith("t10k-images-", StringComparison.Ordinal)))
        {
            return new DataSource(DataFormat.Idx, root, names is null ? "IDX (MNIST layout)" : "IDX (Fashion-MNIST)", true, (split, _) => Idx.LoadMnistLayout(root, split, names));
        }

        var labels = IdxFiles(root, "idx1");
        if (images.Length == 1 && labels.Length == 1)
        {
            return new DataSource(DataFormat.Idx, root, "IDX", false, (_, _) => Idx.Load(images[0], labels[0], names));
        }

        throw new CliException(
            $"data folder '{root}' has {images.Length} IDX image file(s) and {labels.Length} label file(s); the IDX layout needs train-/t10k-images-idx3-ubyte with their labels, or one images and one labels file");
    }

    /// <summary>The folder holding CIFAR binary files: <paramref name="root"/> or its <c>cifar-10-batches-bin</c> / <c>cifar-100-binary</c> sub-folder.</summary>
    private static (string Path, bool IsCifar10)? CifarFolder(string root)
    {
        foreach (var folder in new[] { root, Path.Combine(root, "cifar-10-batches-bin"), Path.Combine(root, "cifar-100-binary") })
        {
            if (File.Exists(Path.Combine(folder, "data_batch_1.bin")) || File.Exists(Path.Combine(folder, "test_batch.bin")))
            {
                return (folder, true);
            }

            if (File.Exists(Path.Combine(folder, "train.bin")) || File.Exists(Path.Combine(folder, "test.bin")))
            {
                return (folder, false);
            }
        }

        return null;
    }

    private static string[] IdxFiles(string root, string kind) =>
        [.. Directory.EnumerateFiles(root)
            .Where(f => Path.GetFileName(f).EndsWith($"-{kind}-ubyte", StringComparison.Ordinal) || Path.GetFileName(f).EndsWith($"-{kind}-ubyte.gz", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    /// <summary>Whether <paramref name="folder"/> has a (non-hidden) sub-folder holding an image file.</summary>
    private static bool HasClassFolders(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return false;
        }

        var extensions = new HashSet<string>(ImageDatasetOptions.DefaultExtensions, StringComparer.OrdinalIgnoreCase);
        return new DirectoryInfo(folder).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.'))
            .Any(d => d.EnumerateFiles().Any(f => extensions.Contains(f.Extension)));
    }
}
