using System.Globalization;
using System.Xml.Linq;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Reads Stanford Dogs as published: <c>Images/n&lt;wnid&gt;-&lt;Breed&gt;/n&lt;wnid&gt;_&lt;n&gt;.jpg</c>
/// with the official split in <c>lists/train_list.mat</c> and <c>lists/test_list.mat</c> (or
/// beside <c>Images/</c>, as <c>lists.tar</c> unpacks), MATLAB 5 files holding <c>file_list</c>
/// (cell of char, relative to <c>Images/</c>) and <c>labels</c> (double, 1-based). Classes are
/// the breed folders in ordinal order (label <c>k</c> is folder <c>k</c>, which the lists must
/// agree with); class names are the folder names. When <c>Annotation/&lt;folder&gt;/&lt;file stem&gt;</c>
/// (PASCAL VOC XML) exists, the first object's box becomes <see cref="ImageSample.Box"/>.
/// </summary>
public static class StanfordDogs
{
    /// <summary>Loads <paramref name="split"/> of the data set in <paramref name="root"/> (the folder holding <c>Images/</c>).</summary>
    /// <exception cref="DatasetException">A list is missing or malformed, its lengths disagree, a label is out of range or disagrees with the file's folder, or a listed image is missing or empty (unless skipped).</exception>
    public static ImageDataset Load(string root, DataSplit split = DataSplit.Train, ImageDatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new ImageDatasetOptions();
        root = Path.GetFullPath(root);
        var images = Path.Combine(root, "Images");
        if (!Directory.Exists(images))
        {
            throw new DatasetException(images, "the Stanford Dogs Images folder does not exist.");
        }

        var breeds = new DirectoryInfo(images).EnumerateDirectories().Select(d => d.Name)
            .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
        var classes = new ClassNames(breeds);
        var report = new SkipReport();
        var samples = new List<ImageSample>();
        string[] lists = split switch
        {
            DataSplit.Train => ["train_list.mat"],
            DataSplit.Test => ["test_list.mat"],
            _ => ["train_list.mat", "test_list.mat"],
        };
        foreach (var list in lists)
        {
            var path = File.Exists(Path.Combine(root, "lists", list)) ? Path.Combine(root, "lists", list) : Path.Combine(root, list);
            var mat = MatFile.Read(path);
            var files = mat.GetStrings("file_list");
            var labels = mat.GetNumbers("labels");
            if (files.Length != labels.Length)
            {
                throw new DatasetException(path, $"file_list has {files.Length} entries but labels has {labels.Length}; they must match.");
            }

            for (var i = 0; i < files.Length; i++)
            {
                var entry = $"entry {i + 1} ('{files[i]}')";
                var label = labels[i];
                if (label != Math.Floor(label) || label < 1 || label > breeds.Length)
                {
                    throw new DatasetException(path, $"{entry} has label {label.ToString(CultureInfo.InvariantCulture)}; labels must be whole numbers from 1 to {breeds.Length} (the breed folders in {images}).");
                }

                var breed = breeds[(int)label - 1];
                var folder = files[i].Replace('\\', '/').Split('/')[0];
                if (!string.Equals(folder, breed, StringComparison.Ordinal))
                {
                    throw new DatasetException(path, $"{entry} has label {label} ({breed}) but its file is in the folder '{folder}'.");
                }

                var file = Path.GetFullPath(Path.Combine(images, files[i]));
                if (!ImageFileChecks.IsInside(file, images))
                {
                    throw new DatasetException(path, $"entry {i + 1} ('{files[i]}') leads outside the Images folder; every image must lie inside {images}.");
                }

                if (ImageFileChecks.CheckListed(file, path, line: null, entry: $"entry {i + 1}") is { } problem)
                {
                    report.SkipOrThrow(problem, options.SkipInvalidImages);
                    continue;
                }

                samples.Add(new ImageSample(ImageSource.FromFile(file), (int)label - 1, Box(root, files[i])));
            }
        }

        return new ImageDataset([.. samples], classes, root, options.SkipInvalidImages, report, options.MaxImagePixels);
    }

    /// <summary>The first object's box in <c>Annotation/&lt;file without extension&gt;</c>, when that file exists.</summary>
    private static BoundingBox? Box(string root, string file)
    {
        var path = Path.Combine(root, "Annotation", Path.ChangeExtension(file, null));
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var box = XDocument.Load(path).Descendants("bndbox").FirstOrDefault();
            if (box is null)
            {
                return null;
            }

            double Value(string name) => double.Parse(box.Element(name)?.Value ?? throw new FormatException($"no <{name}>"), CultureInfo.InvariantCulture);
            var (xmin, ymin, xmax, ymax) = (Value("xmin"), Value("ymin"), Value("xmax"), Value("ymax"));
            return new BoundingBox(xmin, ymin, xmax - xmin, ymax - ymin);
        }
        catch (Exception e) when (e is FormatException or System.Xml.XmlException)
        {
            throw new DatasetException(path, $"the annotation is not a PASCAL VOC box ({e.Message}).", innerException: e);
        }
    }
}
