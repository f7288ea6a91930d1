namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Reads Caltech-UCSD Birds-200-2011 as published: <c>CUB_200_2011/{images.txt,
/// image_class_labels.txt, train_test_split.txt, classes.txt, images/NNN.Name/*.jpg}</c>, ids
/// 1-based and space-separated, split flag 1 = train; <c>bounding_boxes.txt</c> (<c>id x y w h</c>)
/// is read into <see cref="ImageSample.Box"/> when present. Class index = rank of the class id
/// in <c>classes.txt</c>; class names as written there (e.g. <c>001.Black_footed_Albatross</c>);
/// samples in image-id order.
/// </summary>
public static class Cub200
{
    /// <summary>Loads <paramref name="split"/> of the data set in <paramref name="root"/> (the <c>CUB_200_2011</c> folder or its parent).</summary>
    /// <exception cref="DatasetException">A list file is missing or malformed, the lists disagree, a class id is unknown, or a listed image is missing or empty (unless skipped).</exception>
    public static ImageDataset Load(string root, DataSplit split = DataSplit.Train, ImageDatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new ImageDatasetOptions();
        root = Path.GetFullPath(root);
        if (!File.Exists(Path.Combine(root, "images.txt")) && Directory.Exists(Path.Combine(root, "CUB_200_2011")))
        {
            root = Path.Combine(root, "CUB_200_2011");
        }

        if (!Directory.Exists(root))
        {
            throw new DatasetException(root, "the CUB-200-2011 folder does not exist.");
        }

        var imagesFile = Path.Combine(root, "images.txt");
        var images = ListFile.Read(imagesFile).ById(1, lastTakesRest: true);
        var labels = Matching(ListFile.Read(Path.Combine(root, "image_class_labels.txt")), 1, images, imagesFile);
        var flags = Matching(ListFile.Read(Path.Combine(root, "train_test_split.txt")), 1, images, imagesFile);
        var boxesFile = Path.Combine(root, "bounding_boxes.txt");
        var boxes = File.Exists(boxesFile) ? Matching(ListFile.Read(boxesFile), 4, images, imagesFile) : null;

        var classesFile = Path.Combine(root, "classes.txt");
        var classLines = ListFile.Read(classesFile).ById(1, lastTakesRest: true);
        var classIds = classLines.Keys.Order().ToArray();
        var classIndex = classIds.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        var classes = new ClassNames(classIds.Select(id => classLines[id].Fields[0]));

        var report = new SkipReport();
        var samples = new List<ImageSample>();
        foreach (var id in images.Keys.Order())
        {
            var (labelLine, labelFields) = labels[id];
            var classId = labelLine.ParseInt(labelFields[0], "class id");
            if (!classIndex.TryGetValue(classId, out var label))
            {
                throw labelLine.Error($"image {id} has class id {classId}, which is not in {classesFile} ({classIds.Length} classes, ids {classIds.FirstOrDefault()}–{classIds.LastOrDefault()}).");
            }

            var (flagLine, flagFields) = flags[id];
            var isTrain = flagLine.ParseInt(flagFields[0], "split flag") switch
            {
                1 => true,
                0 => false,
                var other => throw flagLine.Error($"the split flag of image {id} is {other}; it must be 1 (train) or 0 (test)."),
            };
            if ((split == DataSplit.Train && !isTrain) || (split == DataSplit.Test && isTrain))
            {
                continue;
            }

            var (imageLine, imageFields) = images[id];
            var path = Path.GetFullPath(Path.Combine(root, "images", imageFields[0]));
            if (!ImageFileChecks.IsInside(path, Path.Combine(root, "images")))
            {
                throw imageLine.Error($"image {id} is '{imageFields[0]}', which leads outside the images folder; every image must lie inside {Path.Combine(root, "images")}.");
            }

            if (ImageFileChecks.CheckListed(path, imagesFile, imageLine.Number) is { } problem)
            {
                report.SkipOrThrow(problem, options.SkipInvalidImages);
                continue;
            }

            samples.Add(new ImageSample(ImageSource.FromFile(path), label, boxes is null ? null : Box(boxes[id])));
        }

        return new ImageDataset([.. samples], classes, root, options.SkipInvalidImages, report, options.MaxImagePixels);
    }

    private static BoundingBox Box((ListLine Line, string[] Fields) entry)
    {
        var (line, f) = entry;
        var box = new BoundingBox(line.ParseDouble(f[0], "x"), line.ParseDouble(f[1], "y"), line.ParseDouble(f[2], "width"), line.ParseDouble(f[3], "height"));
        return box.Width > 0 && box.Height > 0 ? box : throw line.Error($"the bounding box has width {box.Width} and height {box.Height}; both must be positive.");
    }

    /// <summary>The list's entries by image id; raises when it does not have exactly one entry per image of images.txt.</summary>
    private static Dictionary<int, (ListLine Line, string[] Fields)> Matching(
        ListFile list, int fields, Dictionary<int, (ListLine Line, string[] Fields)> images, string imagesFile)
    {
        var byId = list.ById(fields);
        var missing = images.Keys.Where(id => !byId.ContainsKey(id)).Order().Take(1).ToArray();
        if (byId.Count != images.Count || missing.Length > 0)
        {
            var detail = missing.Length > 0
                ? $"image id {missing[0]} ({imagesFile}, line {images[missing[0]].Line.Number}) has no entry"
                : $"image id {byId.Keys.Where(id => !images.ContainsKey(id)).Order().First()} is not in {imagesFile}";
            throw new DatasetException(list.Path, $"has {byId.Count} entries but {imagesFile} has {images.Count}: the lists must name the same image ids ({detail}).");
        }

        return byId;
    }
}
