using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML;

/// <summary>
/// Explanation quality of an ML.NET model's maps: <c>mlContext.MulticlassClassification.EvaluateLocalization(scored)</c>
/// scores the <c>Cam</c> column of <c>model.Transform(data)</c> against each row's object (its box, or the image's
/// foreground) with <see cref="LocalizationMetrics"/> and returns the aggregate.
/// </summary>
public static class CamLossLocalizationCatalog
{
    private static readonly string[] BoxColumns = ["BoxX", "BoxY", "BoxWidth", "BoxHeight"];

    /// <summary>
    /// The mean share of the map's positive mass on the object, the pointing-game hit rate and the mean top-5 %
    /// concentration over the rows of <paramref name="scored"/> (formulas: <see cref="LocalizationMetrics"/>). Rows whose
    /// box is missing (NaN) are skipped.
    /// </summary>
    /// <param name="catalog">The multiclass catalog.</param>
    /// <param name="scored">Scored data with the map column (train with <c>Maps = OnnxMaps.Cam</c>) and the image (and box) columns.</param>
    /// <param name="options">Column names, the input size and resizing for boxes; default <see cref="LocalizationEvaluationOptions"/>'s.</param>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type (the message names it and the fix), or the map has a size that is not <c>h × w</c>.</exception>
    public static LocalizationSummary EvaluateLocalization(this MulticlassClassificationCatalog catalog, IDataView scored, LocalizationEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(scored);
        return LocalizationMetrics.Summarize(ScoreRows(scored, options ?? new LocalizationEvaluationOptions()));
    }

    /// <summary>The per-row scores (rows without a box skipped), read lazily.</summary>
    private static IEnumerable<LocalizationScore> ScoreRows(IDataView scored, LocalizationEvaluationOptions options)
    {
        var schema = scored.Schema;
        var camColumn = schema.GetColumnOrNull(options.CamColumnName) is { Type: VectorDataViewType { ItemType: NumberDataViewType number } camType } found && number.RawType == typeof(float)
            ? found
            : throw new ArgumentException($"The scored data has no float-vector column '{options.CamColumnName}'; train with Maps = OnnxMaps.Cam (ImageClassificationTrainerOptions.Maps) so the model adds it.", nameof(scored));
        var (mapHeight, mapWidth) = MapSize(camType, options.CamColumnName);
        var image = schema.GetColumnOrNull(options.ImageColumnName) is { Type: ImageDataViewType } imageColumn ? imageColumn : (DataViewSchema.Column?)null;
        var boxes = BoxColumns.All(name => schema.GetColumnOrNull(name) is { Type: NumberDataViewType { RawType: var raw } } && raw == typeof(float))
            ? BoxColumns.Select(name => schema[name]).ToArray()
            : null;
        var path = schema.GetColumnOrNull(options.ImagePathColumnName) is { Type: TextDataViewType } pathColumn ? pathColumn : (DataViewSchema.Column?)null;
        if (boxes is null && image is null)
        {
            throw new ArgumentException(
                $"The scored data has neither the box columns ({string.Join(", ", BoxColumns)}) nor an image column '{options.ImageColumnName}' (MLImage) whose foreground is the object; set LocalizationEvaluationOptions.ImageColumnName, or load the data with LoadCub200 / LoadStanfordDogs for boxes.",
                nameof(scored));
        }

        if (boxes is not null && image is null && path is null)
        {
            throw new ArgumentException($"Boxes need the image's size: the scored data has neither an MLImage column '{options.ImageColumnName}' nor an image-path column '{options.ImagePathColumnName}'.", nameof(scored));
        }

        var inputSize = options.InputSize ?? (image?.Type is ImageDataViewType { Height: > 0, Width: > 0 } fixedSize ? (fixedSize.Height, fixedSize.Width) : null);
        if (boxes is not null && inputSize is null)
        {
            throw new ArgumentException("Boxes are in the original image's pixels; set LocalizationEvaluationOptions.InputSize to the trainer's ImageSize (and Resizing to its Resizing) so they can be mapped onto the network's input.", nameof(scored));
        }

        var needed = new List<DataViewSchema.Column> { camColumn };
        needed.AddRange(boxes ?? []);
        if (image is { } i)
        {
            needed.Add(i);
        }
        else if (boxes is not null)
        {
            needed.Add(path!.Value);
        }

        using var cursor = scored.GetRowCursor(needed);
        var getCam = cursor.GetGetter<VBuffer<float>>(camColumn);
        var getBox = boxes?.Select(c => cursor.GetGetter<float>(c)).ToArray();
        var getImage = image is { } ic ? cursor.GetGetter<MLImage>(ic) : null;
        var getPath = image is null && path is { } pc ? cursor.GetGetter<ReadOnlyMemory<char>>(pc) : null;
        VBuffer<float> cam = default;
        MLImage picture = null!;   // ML.NET's getter fills it (the image belongs to the data view: not disposed here)
        ReadOnlyMemory<char> file = default;
        var box = new float[4];
        for (var row = 0L; cursor.MoveNext(); row++)
        {
            if (getBox is not null)
            {
                for (var b = 0; b < 4; b++)
                {
                    getBox[b](ref box[b]);
                }

                if (box.Any(float.IsNaN))
                {
                    continue;
                }
            }

            getCam(ref cam);
            var values = new float[mapHeight * mapWidth];
            cam.CopyTo(values);
            getImage?.Invoke(ref picture);
            var hasPicture = getImage is not null;
            ObjectMask mask;
            if (getBox is null)
            {
                mask = Foreground(hasPicture ? picture : null, options, row);
            }
            else
            {
                var (height, width) = hasPicture ? (picture.Height, picture.Width) : FileSize(getPath!, ref file, row);
                mask = ObjectMask.FromBox(height, width, new BoundingBox(box[0], box[1], box[2], box[3]), inputSize!.Value.Height, inputSize.Value.Width, options.Resizing);
            }

            yield return LocalizationMetrics.Score(new Heatmap(mapHeight, mapWidth, values), mask);
        }
    }

    private static ObjectMask Foreground(MLImage? picture, LocalizationEvaluationOptions options, long row)
    {
        if (picture is null || picture.Width <= 0 || picture.Height <= 0)
        {
            throw new ArgumentException($"Row {row}: column '{options.ImageColumnName}' holds no image, so there is no foreground to score the map against.");
        }

        var channels = picture.BitsPerPixel / 8;
        return ObjectMask.FromForeground(picture.Height, picture.Width, picture.Pixels, channels, options.ForegroundThreshold);
    }

    private static (int Height, int Width) FileSize(ValueGetter<ReadOnlyMemory<char>> getPath, ref ReadOnlyMemory<char> file, long row)
    {
        getPath(ref file);
        var path = file.ToString();
        try
        {
            using var image = MLImage.CreateFromFile(path);
            return (image.Height, image.Width);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Row {row}: image '{path}' cannot be read for its size: {e.Message}", e);
        }
    }

    /// <summary>The map's <c>h × w</c>: the column's last two dimensions, or a square side when ML.NET gives one flat size.</summary>
    private static (int Height, int Width) MapSize(VectorDataViewType type, string name)
    {
        var dims = type.Dimensions;
        if (dims.Length >= 2 && dims[^1] > 0 && dims[^2] > 0)
        {
            return (dims[^2], dims[^1]);
        }

        var side = (int)Math.Round(Math.Sqrt(type.Size));
        if (type.Size > 0 && side * side == type.Size)
        {
            return (side, side);
        }

        throw new ArgumentException($"Column '{name}' has {type.Size} values without an h × w shape; it must be one map per row (OnnxMaps.Cam, not Cams).");
    }
}
