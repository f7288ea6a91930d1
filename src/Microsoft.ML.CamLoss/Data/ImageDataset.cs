using System.Collections;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// A labelled image data set: the samples (where each image comes from, its class index and
/// optional bounding box), the class names, and the report of what was skipped. Load one with
/// <see cref="ImageFolder"/>, <see cref="Cub200"/>, <see cref="StanfordDogs"/>,
/// <see cref="Cifar"/>, <see cref="Idx"/> or <see cref="FromEnumerable{TRow}(IEnumerable{TRow}, Func{TRow, ImageSource}, Func{TRow, string}, IEnumerable{string}?, ImageDatasetOptions?)"/>.
/// </summary>
public sealed class ImageDataset : IReadOnlyList<ImageSample>
{
    private readonly ImageSample[] _samples;

    /// <summary>A data set of <paramref name="samples"/>; every label must be a valid index into <paramref name="classes"/>.</summary>
    /// <param name="samples">The samples, in order.</param>
    /// <param name="classes">The class names.</param>
    /// <param name="name">A name for messages (typically the root folder).</param>
    /// <param name="options">Reading options; default: invalid images raise.</param>
    /// <exception cref="DatasetException">A label is outside <c>[0, classes.Count)</c>.</exception>
    public ImageDataset(IEnumerable<ImageSample> samples, ClassNames classes, string name, ImageDatasetOptions? options = null)
        : this([.. samples], classes, name, options?.SkipInvalidImages ?? false, new SkipReport(), options?.MaxImagePixels ?? ImageDecoding.DefaultMaxPixels)
    {
        for (var i = 0; i < _samples.Length; i++)
        {
            if ((uint)_samples[i].Label >= (uint)classes.Count)
            {
                throw new DatasetException(_samples[i].Image.Name, $"sample {i} has label {_samples[i].Label}, outside [0, {classes.Count}) for the {classes.Count} classes of {name}.");
            }
        }
    }

    internal ImageDataset(ImageSample[] samples, ClassNames classes, string name, bool skipInvalidImages, SkipReport report, long maxImagePixels = ImageDecoding.DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ImageDecoding.CheckLimit(maxImagePixels);
        _samples = samples;
        Classes = classes;
        Name = name;
        SkipInvalidImages = skipInvalidImages;
        SkipReport = report;
        MaxImagePixels = maxImagePixels;
        InMemory = FindInMemoryBlock(samples);
    }

    /// <summary>A name for messages: the root folder or file the data set was read from.</summary>
    public string Name { get; }

    /// <summary>The class names; a label is an index into this list.</summary>
    public ClassNames Classes { get; }

    /// <summary>Number of samples.</summary>
    public int Count => _samples.Length;

    /// <summary>True when invalid images are skipped (and recorded in <see cref="SkipReport"/>) rather than raising.</summary>
    public bool SkipInvalidImages { get; }

    /// <summary>The most pixels an image of this data set may declare (<see cref="ImageDatasetOptions.MaxImagePixels"/>); loaders decode with this limit.</summary>
    public long MaxImagePixels { get; }

    /// <summary>What was left out while loading the data set and, later, while decoding its images. Shared with subsets.</summary>
    public SkipReport SkipReport { get; }

    /// <summary>
    /// The block of pixels every sample comes from, when the data set is held in memory (CIFAR,
    /// IDX); loaders then batch by copying bytes and augment whole batches. Otherwise null.
    /// </summary>
    public InMemoryImages? InMemory { get; }

    /// <summary>Sample <paramref name="index"/>.</summary>
    public ImageSample this[int index] => _samples[index];

    /// <summary>Number of samples of each class, indexed by class.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[Classes.Count];
        foreach (var sample in _samples)
        {
            counts[sample.Label]++;
        }

        return counts;
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order, with the same classes and skip report.</summary>
    public ImageDataset Subset(IEnumerable<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return new ImageDataset([.. indices.Select(i => _samples[i])], Classes, name ?? Name, SkipInvalidImages, SkipReport, MaxImagePixels);
    }

    /// <summary>
    /// Splits off a validation set, seeded: with <paramref name="stratified"/> each class gives
    /// <c>round(validationFraction · n_class)</c> of its samples, chosen by a shuffle seeded by
    /// (<paramref name="seed"/>, class); otherwise <c>round(validationFraction · n)</c> samples
    /// are chosen from all. Both parts keep the original order. Same seed, same split.
    /// </summary>
    /// <param name="validationFraction">Fraction for validation, in (0, 1).</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <param name="stratified">Keep class proportions (default true).</param>
    public TrainValidationData SplitTrainValidation(double validationFraction, ulong seed, bool stratified = true)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in (0, 1).");
        }

        var groups = stratified
            ? Enumerable.Range(0, _samples.Length).GroupBy(i => _samples[i].Label).Select(g => (Key: (ulong)g.Key, Indices: g.ToArray()))
            : [(Key: ulong.MaxValue, Indices: Enumerable.Range(0, _samples.Length).ToArray())];
        var validation = new bool[_samples.Length];
        foreach (var (key, indices) in groups)
        {
            SeededRandom.Derive(seed, key).Shuffle(indices.AsSpan());
            var take = (int)Math.Round(validationFraction * indices.Length, MidpointRounding.AwayFromZero);
            foreach (var i in indices.AsSpan(0, take))
            {
                validation[i] = true;
            }
        }

        var all = Enumerable.Range(0, _samples.Length);
        return new TrainValidationData(
            Subset(all.Where(i => !validation[i]), $"{Name} (train part)"),
            Subset(all.Where(i => validation[i]), $"{Name} (validation part)"));
    }

    /// <summary>
    /// A data set from user objects, like ML.NET's <c>LoadFromEnumerable</c>: each row gives its
    /// image (<see cref="ImageSource.FromFile"/>, <see cref="ImageSource.FromBytes"/> or
    /// <see cref="ImageSource.FromStream(Stream, string?)"/>) and its label's name. Without
    /// <paramref name="classes"/>, the classes are the distinct labels in ordinal order.
    /// </summary>
    /// <exception cref="DatasetException">A label is not one of <paramref name="classes"/>, or an image file is missing or empty (unless skipped).</exception>
    public static ImageDataset FromEnumerable<TRow>(
        IEnumerable<TRow> rows, Func<TRow, ImageSource> image, Func<TRow, string> label, IEnumerable<string>? classes = null, ImageDatasetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(label);
        var pairs = rows.Select(r => (Image: image(r), Label: label(r))).ToArray();
        var names = new ClassNames(classes ?? pairs.Select(p => p.Label).Distinct().Order(StringComparer.Ordinal));
        return FromRows(pairs.Select(p => (p.Image, names.IndexOf(p.Label), (string?)p.Label)), names, options);
    }

    /// <summary>
    /// A data set from user objects whose labels are class indices into <paramref name="classes"/>
    /// (see <see cref="FromEnumerable{TRow}(IEnumerable{TRow}, Func{TRow, ImageSource}, Func{TRow, string}, IEnumerable{string}?, ImageDatasetOptions?)"/>).
    /// </summary>
    /// <exception cref="DatasetException">A label is outside <c>[0, classes.Count)</c>, or an image file is missing or empty (unless skipped).</exception>
    public static ImageDataset FromEnumerable<TRow>(
        IEnumerable<TRow> rows, Func<TRow, ImageSource> image, Func<TRow, int> label, IEnumerable<string> classes, ImageDatasetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(label);
        var names = new ClassNames(classes);
        return FromRows(rows.Select(r => (image(r), label(r), (string?)null)), names, options);
    }

    /// <summary>A data set from <see cref="ImageRow"/> objects (path, bytes or stream, plus the label's name).</summary>
    public static ImageDataset FromEnumerable(IEnumerable<ImageRow> rows, IEnumerable<string>? classes = null, ImageDatasetOptions? options = null) =>
        FromEnumerable(rows, r => r.ToSource(), r => r.Label, classes, options);

    /// <inheritdoc/>
    public IEnumerator<ImageSample> GetEnumerator() => ((IEnumerable<ImageSample>)_samples).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Count} images, {Classes.Count} classes";

    private static ImageDataset FromRows(IEnumerable<(ImageSource Image, int Label, string? Text)> rows, ClassNames classes, ImageDatasetOptions? options)
    {
        var skip = options?.SkipInvalidImages ?? false;
        var report = new SkipReport();
        var samples = new List<ImageSample>();
        var row = 0;
        foreach (var (image, label, text) in rows)
        {
            row++;
            var problem = (uint)label >= (uint)classes.Count
                ? new DatasetException(image.Name, text is null
                    ? $"row {row} has label {label}, outside [0, {classes.Count}) for the {classes.Count} classes."
                    : $"row {row} has label '{text}', which is not one of the {classes.Count} classes.")
                : image.FilePath is { } path ? ImageFileChecks.Check(path) : null;
            if (problem is null)
            {
                samples.Add(new ImageSample(image, label));
            }
            else
            {
                // A label outside the classes is an error in the rows, not a bad image: never skipped.
                report.SkipOrThrow(problem, skip && (uint)label < (uint)classes.Count);
            }
        }

        return new ImageDataset([.. samples], classes, "rows", skip, report, options?.MaxImagePixels ?? ImageDecoding.DefaultMaxPixels);
    }

    private static InMemoryImages? FindInMemoryBlock(ImageSample[] samples)
    {
        InMemoryImages? block = null;
        foreach (var sample in samples)
        {
            if (sample.Image is not InMemoryImageSource s || (block is not null && s.Images != block))
            {
                return null;
            }

            block = s.Images;
        }

        return block;
    }
}
