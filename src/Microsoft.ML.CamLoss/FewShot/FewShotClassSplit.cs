using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>
/// A split of a data set's classes into disjoint base, validation and novel groups (Chen et al.'s
/// few-shot protocol: CUB-200-2011 100 / 50 / 50; the CAM-loss paper 120 / 30 / 50). Every image of a
/// class goes with its class, whatever the data set's own train/test split says.
/// <see cref="Create(IReadOnlyList{string}, int, int, ulong)"/> draws the split from a seed;
/// <see cref="Save"/> writes it (JSON) next to the model so that evaluation uses the classes the model never saw.
/// </summary>
public sealed class FewShotClassSplit
{
    /// <summary>The usual file name ending for a split written next to a model: <c>.split.json</c> (e.g. <c>classes.split.json</c> in the run folder whose checkpoint holds the backbone).</summary>
    public const string FileExtension = ".split.json";

    private const string FormatName = "camloss-fewshot-split";

    /// <summary>A split of the given classes (each list in the order given).</summary>
    /// <param name="baseClasses">Training classes (at least one).</param>
    /// <param name="validationClasses">Validation classes (may be empty).</param>
    /// <param name="novelClasses">Test classes (at least one).</param>
    /// <param name="seed">The seed it was drawn with, if any (recorded, not used).</param>
    /// <exception cref="ArgumentException">A group that must not be empty is, a name is empty, or a class is in two groups.</exception>
    public FewShotClassSplit(IEnumerable<string> baseClasses, IEnumerable<string> validationClasses, IEnumerable<string> novelClasses, ulong? seed = null)
    {
        ArgumentNullException.ThrowIfNull(baseClasses);
        ArgumentNullException.ThrowIfNull(validationClasses);
        ArgumentNullException.ThrowIfNull(novelClasses);
        BaseClasses = [.. baseClasses];
        ValidationClasses = [.. validationClasses];
        NovelClasses = [.. novelClasses];
        Seed = seed;
        if (BaseClasses.Count == 0 || NovelClasses.Count == 0)
        {
            throw new ArgumentException($"A few-shot split needs at least one base and one novel class; got {BaseClasses.Count} base and {NovelClasses.Count} novel.", nameof(baseClasses));
        }

        var seen = new Dictionary<string, FewShotClassPart>(StringComparer.Ordinal);
        foreach (var part in Enum.GetValues<FewShotClassPart>())
        {
            foreach (var name in Classes(part))
            {
                if (string.IsNullOrEmpty(name))
                {
                    throw new ArgumentException($"The {part} classes include an empty name.", nameof(baseClasses));
                }

                if (!seen.TryAdd(name, part))
                {
                    throw new ArgumentException($"Class '{name}' is both a {seen[name]} and a {part} class; the groups must be disjoint.", nameof(baseClasses));
                }
            }
        }
    }

    /// <summary>The classes the backbone trains on.</summary>
    public IReadOnlyList<string> BaseClasses { get; }

    /// <summary>The classes kept for choosing settings.</summary>
    public IReadOnlyList<string> ValidationClasses { get; }

    /// <summary>The classes the episodes test on.</summary>
    public IReadOnlyList<string> NovelClasses { get; }

    /// <summary>The seed the split was drawn with; null when it was given by hand.</summary>
    public ulong? Seed { get; }

    /// <summary>
    /// Draws a split of <paramref name="classes"/>: a permutation seeded by <paramref name="seed"/> (the same
    /// seed and classes give the same split on every machine), whose first <paramref name="baseCount"/>
    /// classes are base, the next <paramref name="validationCount"/> validation and the rest novel. Each
    /// group lists its classes in the data set's order.
    /// </summary>
    /// <param name="classes">The data set's class names.</param>
    /// <param name="baseCount">Base classes, at least 2 (a classifier needs two).</param>
    /// <param name="validationCount">Validation classes, at least 0.</param>
    /// <param name="seed">The seed of the permutation.</param>
    /// <exception cref="ArgumentException">The counts leave no novel class, or ask for more classes than there are.</exception>
    public static FewShotClassSplit Create(IReadOnlyList<string> classes, int baseCount, int validationCount, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentOutOfRangeException.ThrowIfLessThan(baseCount, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(validationCount);
        if (baseCount + validationCount >= classes.Count)
        {
            throw new ArgumentException(
                $"The data set has {classes.Count} classes: {baseCount} base + {validationCount} validation leave no novel class. Choose smaller counts.", nameof(baseCount));
        }

        var order = Enumerable.Range(0, classes.Count).ToArray();
        new SeededRandom(seed).Shuffle(order.AsSpan());
        string[] Group(int skip, int take) => [.. order.Skip(skip).Take(take).Order().Select(i => classes[i])];
        return new FewShotClassSplit(
            Group(0, baseCount), Group(baseCount, validationCount), Group(baseCount + validationCount, classes.Count - baseCount - validationCount), seed);
    }

    /// <summary>
    /// Draws a split with fractions of the classes: <c>round(baseFraction·C)</c> base,
    /// <c>⌊validationFraction·C⌋</c> validation, the rest novel (defaults ½ and ¼: 100 classes give
    /// 50 / 25 / 25, as Chen et al.'s CUB split of 200 gives 100 / 50 / 50; 10 classes give 5 / 2 / 3).
    /// </summary>
    public static FewShotClassSplit Create(IReadOnlyList<string> classes, ulong seed, double baseFraction = 0.5, double validationFraction = 0.25)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (!(baseFraction > 0 && validationFraction >= 0 && baseFraction + validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(baseFraction), $"The base and validation fractions must be ≥ 0 (base > 0) and leave some novel classes; got {baseFraction} and {validationFraction}.");
        }

        var baseCount = (int)Math.Round(baseFraction * classes.Count, MidpointRounding.AwayFromZero);
        var validationCount = (int)Math.Floor(validationFraction * classes.Count);
        return Create(classes, baseCount, validationCount, seed);
    }

    /// <summary>The classes of <paramref name="part"/>.</summary>
    public IReadOnlyList<string> Classes(FewShotClassPart part) => part switch
    {
        FewShotClassPart.Base => BaseClasses,
        FewShotClassPart.Validation => ValidationClasses,
        FewShotClassPart.Novel => NovelClasses,
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "Unknown class part."),
    };

    /// <summary>
    /// The images of <paramref name="data"/> whose class is in <paramref name="part"/>, in data-set order,
    /// relabelled to that part's classes (label = position in <see cref="Classes"/>): the base part is
    /// what the backbone trains on, the novel part what episodes sample from.
    /// </summary>
    /// <exception cref="ArgumentException">A class of the part is not one of the data set's classes (the split belongs to other data).</exception>
    public ImageDataset Select(ImageDataset data, FewShotClassPart part)
    {
        ArgumentNullException.ThrowIfNull(data);
        var names = Classes(part);
        var newLabel = Enumerable.Repeat(-1, data.Classes.Count).ToArray();
        for (var i = 0; i < names.Count; i++)
        {
            var index = data.Classes.IndexOf(names[i]);
            if (index < 0)
            {
                throw new ArgumentException(
                    $"The {part.ToString().ToLowerInvariant()} class '{names[i]}' of this split is not one of the {data.Classes.Count} classes of {data.Name}; the split was made for other data.",
                    nameof(data));
            }

            newLabel[index] = i;
        }

        var indices = Enumerable.Range(0, data.Count).Where(i => newLabel[data[i].Label] >= 0).ToArray();
        var samples = indices.Select(i => data[i] with { Label = newLabel[data[i].Label] }).ToArray();
        return new ImageDataset(samples, new ClassNames(names), $"{data.Name} ({part.ToString().ToLowerInvariant()} classes)", data.SkipInvalidImages, data.SkipReport, data.MaxImagePixels);
    }

    /// <summary>Writes the split as JSON (<c>{"format", "seed", "base", "validation", "novel"}</c>), atomically.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = new JsonObject
        {
            ["format"] = FormatName,
            ["seed"] = Seed,
            ["base"] = new JsonArray([.. BaseClasses.Select(n => JsonValue.Create(n))]),
            ["validation"] = new JsonArray([.. ValidationClasses.Select(n => JsonValue.Create(n))]),
            ["novel"] = new JsonArray([.. NovelClasses.Select(n => JsonValue.Create(n))]),
        };
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Serialization.AtomicFile.WriteAllText(full, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads a split written by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a split (the message says what is wrong).</exception>
    public static FewShotClassSplit Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The few-shot class split '{path}' does not exist.", path);
        }

        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException("it is empty");
            if (json["format"]?.GetValue<string>() != FormatName)
            {
                throw new InvalidDataException($"its \"format\" is not \"{FormatName}\"");
            }

            string[] Names(string key) => [.. (json[key] ?? throw new InvalidDataException($"it has no \"{key}\" list")).AsArray().Select(n => n!.GetValue<string>())];
            return new FewShotClassSplit(Names("base"), Names("validation"), Names("novel"), json["seed"]?.GetValue<ulong>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or InvalidDataException or NullReferenceException)
        {
            throw new InvalidDataException($"'{path}' is not a few-shot class split: {e.Message.TrimEnd('.')}.", e);
        }
    }
}
