namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Reads the ImageFolder layout <c>root/&lt;class&gt;/&lt;image&gt;</c> (as torchvision's
/// <c>ImageFolder</c>): one sub-folder per class, class index = position of the folder name in
/// ordinal order, images within a class in ordinal order of their file names. Files whose
/// extension is not in <see cref="ImageDatasetOptions.Extensions"/> are ignored.
/// </summary>
public static class ImageFolder
{
    /// <summary>Loads <paramref name="root"/> (e.g. <c>flowers12/train</c>).</summary>
    /// <exception cref="DatasetException">The folder is missing or has no class folders; a class folder has no images; an image file is empty or its name is not valid UTF-8 (unless skipped).</exception>
    public static ImageDataset Load(string root, ImageDatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new ImageDatasetOptions();
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
        {
            throw new DatasetException(root, "the data set folder does not exist.");
        }

        var classFolders = new DirectoryInfo(root).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.'))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToArray();
        if (classFolders.Length == 0)
        {
            throw new DatasetException(root, "has no class sub-folders (the ImageFolder layout is root/<class>/<image>).");
        }

        var extensions = new HashSet<string>(options.Extensions, StringComparer.OrdinalIgnoreCase);
        var report = new SkipReport();
        var samples = new List<ImageSample>();
        for (var label = 0; label < classFolders.Length; label++)
        {
            var files = classFolders[label].EnumerateFiles()
                .Where(f => extensions.Contains(f.Extension) && !f.Name.StartsWith('.'))
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToArray();
            if (files.Length == 0)
            {
                report.SkipOrThrow(new DatasetException(
                    classFolders[label].FullName, $"the class folder '{classFolders[label].Name}' has no image files ({string.Join(" ", options.Extensions)})."), options.SkipInvalidImages);
            }

            foreach (var file in files)
            {
                if (UndecodableFileNames.IsUndecodable(file.FullName))
                {
                    report.SkipOrThrow(new DatasetException(file.FullName, UndecodableFileNames.Advice + "."), options.SkipInvalidImages);
                }
                else if (file.Length == 0)
                {
                    report.SkipOrThrow(new DatasetException(file.FullName, "the image file is empty (0 bytes)."), options.SkipInvalidImages);
                }
                else
                {
                    samples.Add(new ImageSample(ImageSource.FromFile(file.FullName), label));
                }
            }
        }

        return new ImageDataset([.. samples], new ClassNames(classFolders.Select(d => d.Name)), root, options.SkipInvalidImages, report, options.MaxImagePixels);
    }
}
