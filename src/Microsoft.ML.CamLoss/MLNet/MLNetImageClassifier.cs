using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// Scores a saved ML.NET model (<c>mlContext.Model.Save</c> of a pipeline that ends in one of this library's trainers)
/// on the library's data sets and image files, through ML.NET itself: <c>Model.Load</c> (<see cref="CamLossModelCatalog.LoadCamLossModel"/>),
/// then the saved transformers, so the probabilities and maps are the ones the user's ML.NET application gets (ML.NET's
/// decode and resize, the ONNX graph on ONNX Runtime). This is what <c>camloss evaluate</c>, <c>predict</c> and
/// <c>explain</c> do with a model zip.
/// </summary>
/// <remarks>
/// <para>
/// Why through ML.NET rather than the ONNX graph inside the zip on <see cref="OnnxImageClassifier"/>: that graph takes the
/// pixels after ML.NET's <c>ResizeImages</c> (the zip records no resize of the library's own), so scoring it with the
/// library's decoder and resize would give slightly other pixels, hence other numbers, than the model gives in ML.NET.
/// </para>
/// <para>
/// Rows are fed by the model's saved input schema: a column that the data already has with the same name and type is used
/// as it is (<c>ImagePath</c> and <c>Label</c> of <c>LoadImageFolder</c>, <c>Image</c> of <c>LoadIdx</c>); any other text
/// column gets the image file's path, an image column the image (<c>LoadImages</c>) and a byte-vector column the file's bytes
/// (<c>LoadRawImageBytes</c>). A label the model does not know becomes a missing key in its <c>MapValueToKey</c>, which
/// scoring does not read; <see cref="Transform"/> maps the data set's labels to <see cref="ClassNames"/> by name.
/// The maps (<c>Cam</c>, <c>Caam</c>, <c>Cams</c>) are those the model was fitted to output
/// (<see cref="Training.ImageClassificationTrainerOptions.Maps"/>), at the resolution it was fitted with
/// (<see cref="ScoringOptions.Resolution"/> is not applied: the maps come as the model gives them). ML.NET scores row by row,
/// so <see cref="ScoringOptions.BatchSize"/> is not used either.
/// </para>
/// </remarks>
public sealed partial class MLNetImageClassifier : IDisposable
{
    private const string FileColumn = "ImagePath";
    private const string ImageColumn = "Image";

    private readonly MLContext _ml = new(seed: 0);
    private readonly ITransformer _model;
    private readonly DataViewSchema _inputSchema;
    private readonly Dictionary<string, int[]> _mapShapes = new(StringComparer.Ordinal);

    /// <summary>Loads the model zip at <paramref name="path"/> and checks that one of the library's trainers fitted it.</summary>
    /// <exception cref="ModelFileException">The file is missing, is not an ML.NET model (truncated, damaged, another kind of zip), or is an ML.NET model that no trainer of this library fitted.</exception>
    public MLNetImageClassifier(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Source = path;
        try
        {
            _model = _ml.Model.LoadCamLossModel(path, out _inputSchema);
        }
        catch (FileNotFoundException e)
        {
            throw new ModelFileException(path, "the file does not exist.", e);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            throw new ModelFileException(path, $"is not an ML.NET model that can be loaded ({ModelFileException.Quote(Innermost(e))}); save the model again with mlContext.Model.Save.", e);
        }

        try
        {
            if (!Transformers(_model).Any(t => t is CustomMappingTransformer<FirstSlot.Vector, FirstSlot.Scalar>))
            {
                throw Foreign("its transformers have no CAM-loss scoring chain");
            }

            var fed = Feed(_ml.Data.LoadFromEnumerable(Array.Empty<FileRow>()));
            var output = OutputSchema(fed);
            if (output.GetColumnOrNull(MLNetColumns.Score) is not { Type: VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } } score || !score.HasSlotNames())
            {
                throw Foreign("it has no Score column with class names");
            }

            var names = default(VBuffer<ReadOnlyMemory<char>>);
            score.GetSlotNames(ref names);
            ClassNames = [.. names.DenseValues().Select(n => n.ToString())];
            foreach (var role in new[] { OnnxNames.Cam, OnnxNames.Caam, OnnxNames.Cams })
            {
                if (output.GetColumnOrNull(role) is { Type: VectorDataViewType { ItemType: var item, Dimensions: { Length: >= 3 } dims } } && item == NumberDataViewType.Single && dims.All(d => d > 0))
                {
                    _mapShapes[role] = [.. dims.Skip(1)];   // ML.NET keeps the graph's batch dimension of 1 in front
                }
            }

            Preprocessing = PictureOfResize(_model, fed.Schema);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The model file, as the caller named it (used in errors).</summary>
    public string Source { get; }

    /// <summary>The classes, in the order of the <c>Score</c> slots (their slot names).</summary>
    public IReadOnlyList<string> ClassNames { get; } = [];

    /// <summary>The activation maps the model outputs (the columns it was fitted with).</summary>
    public OnnxMaps Maps =>
        (_mapShapes.ContainsKey(OnnxNames.Cam) ? OnnxMaps.Cam : OnnxMaps.None) |
        (_mapShapes.ContainsKey(OnnxNames.Caam) ? OnnxMaps.Caam : OnnxMaps.None) |
        (_mapShapes.ContainsKey(OnnxNames.Cams) ? OnnxMaps.Cams : OnnxMaps.None);

    /// <summary>
    /// The geometry of ML.NET's <c>ResizeImages</c> in the model as the library's steps, for pictures of what the network saw
    /// (laying a map over the image): to a square, the trainers' default <c>IsoCrop</c> (a resize of the shorter side, then a
    /// centre crop); to another size, a resize to it. ML.NET keeps the resizing kind to itself, so for a model fitted with
    /// <c>Fill</c> or <c>IsoPad</c> the picture of a non-square image is approximate. Scoring does not use it (ML.NET resizes).
    /// </summary>
    public ImagePipeline Preprocessing { get; } = new();

    /// <summary>Predicts the image file at <paramref name="imagePath"/>.</summary>
    /// <exception cref="ArgumentException">The options ask for a map the model lacks.</exception>
    /// <exception cref="DatasetException">The file is missing.</exception>
    public ImagePrediction Predict(string imagePath, ScoringOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagePath);
        if (!File.Exists(imagePath))
        {
            throw new DatasetException(imagePath, "The image file does not exist.");
        }

        var rows = _ml.Data.LoadFromEnumerable(new[] { new FileRow { ImagePath = Path.GetFullPath(imagePath) } });
        var predictions = Score(rows, [imagePath], options ?? new ScoringOptions(), out var failure);
        return failure is null ? predictions[0] : throw failure;
    }

    /// <summary>
    /// Scores every image of <paramref name="data"/> (files, or in-memory pixels when the model reads an image column), in
    /// data-set order; labels are matched to <see cref="ClassNames"/> by name. Pass the result to
    /// <see cref="MulticlassClassificationCatalog.Evaluate"/> for the metrics.
    /// </summary>
    /// <remarks>
    /// An image ML.NET cannot read stops scoring with a <see cref="DatasetException"/> naming it; when the data set skips
    /// invalid images (<see cref="ImageDataset.SkipInvalidImages"/>) it is recorded in <see cref="ImageDataset.SkipReport"/>
    /// instead, left out of the result, and scoring goes on from the next image.
    /// </remarks>
    /// <exception cref="ArgumentException">The data set has images of a class the model does not know, the options ask for a map it lacks, or the model reads image files and the data set is in memory.</exception>
    /// <exception cref="DatasetException">An image cannot be read (and the data set does not skip invalid images).</exception>
    public ScoredImageData Transform(ImageDataset data, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ScoringOptions();
        var labelMap = ImageClassificationModel.MapLabels(ClassNames, data);
        var predictions = new List<ImagePrediction>(data.Count);
        var labels = new List<int>(data.Count);
        for (var start = 0; start < data.Count;)
        {
            var rest = start == 0 ? data : data.Subset(Enumerable.Range(start, data.Count - start));
            var scored = Score(DatasetDataView.Create(_ml, rest), [.. rest.Select(s => s.Image.Name)], options, out var failure);
            predictions.AddRange(scored);
            labels.AddRange(rest.Take(scored.Length).Select(s => labelMap[s.Label]));
            if (failure is null)
            {
                break;
            }

            // ML.NET reads rows ahead on other threads, so a failure can surface before the row that caused it, and its
            // cursor cannot go on after one: find the image one at a time, then start again after it.
            var index = start + scored.Length;
            for (; index < data.Count; index++)
            {
                var one = data.Subset([index]);
                var single = Score(DatasetDataView.Create(_ml, one), [one[0].Image.Name], options, out var alone);
                if (alone is not null)
                {
                    failure = alone;
                    break;
                }

                predictions.Add(single[0]);
                labels.Add(labelMap[one[0].Label]);
            }

            if (index == data.Count)
            {
                throw failure;   // no image fails alone: not an image's fault
            }

            data.SkipReport.SkipOrThrow(failure, data.SkipInvalidImages);
            start = index + 1;
        }

        return new ScoredImageData(ClassNames, [.. predictions], [.. labels]);
    }

    /// <summary>Releases the ONNX Runtime session of the model's ONNX transformer.</summary>
    public void Dispose() => (_model as IDisposable)?.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"ML.NET model {Path.GetFileName(Source)}, {ClassNames.Count} classes";

    /// <summary>The predictions of <paramref name="rows"/> in order, up to the first row ML.NET fails on (then <paramref name="failure"/> names that image).</summary>
    private ImagePrediction[] Score(IDataView rows, IReadOnlyList<string> sources, ScoringOptions options, out DatasetException? failure)
    {
        failure = null;
        var camClass = ImageClassificationModel.CamClassIndex(ClassNames, options);
        var camRole = CheckMaps(options, camClass);
        var scored = _model.Transform(Feed(rows));
        CheckSchema(scored.Schema);
        var columns = new[] { MLNetColumns.Score, camRole, options.IncludeCaam ? OnnxNames.Caam : null }.OfType<string>().Select(n => scored.Schema[n]).ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var getters = columns.Select(c => cursor.GetGetter<VBuffer<float>>(c)).ToArray();
        var predictions = new List<ImagePrediction>(sources.Count);
        var buffer = default(VBuffer<float>);
        while (true)
        {
            try
            {
                if (!cursor.MoveNext())
                {
                    break;
                }

                getters[0](ref buffer);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException or FormatException)
            {
                failure = new DatasetException(sources[predictions.Count], $"{Source} could not read the image through ML.NET ({TorchErrors.FirstLine(Innermost(e).Message).TrimEnd('.')}).", innerException: e);
                break;
            }

            var score = buffer.DenseValues().ToArray();
            var predicted = Array.IndexOf(score, score.Max());
            Heatmap? cam = null, caam = null;
            if (camRole is not null)
            {
                getters[1](ref buffer);
                cam = MapOf(camRole, buffer, camRole == OnnxNames.Cams ? (camClass >= 0 ? camClass : predicted) : 0);
            }

            if (options.IncludeCaam)
            {
                getters[^1](ref buffer);
                caam = MapOf(OnnxNames.Caam, buffer, 0);
            }

            predictions.Add(new ImagePrediction(sources[predictions.Count], ClassNames, score, cam, caam, cam is null ? -1 : camClass >= 0 ? camClass : predicted));
        }

        return [.. predictions];
    }

    /// <summary>The map column that gives the requested CAM (null when none is asked for), after checking the model has what the options ask for.</summary>
    private string? CheckMaps(ScoringOptions options, int camClass)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Refit = "fit it with the map columns (ImageClassificationTrainerOptions.Maps = OnnxMaps.CamAndCaam) and save it again";
        string? camRole = null;
        if (options.IncludeCam)
        {
            camRole = camClass < 0 && _mapShapes.ContainsKey(OnnxNames.Cam) ? OnnxNames.Cam
                : _mapShapes.ContainsKey(OnnxNames.Cams) ? OnnxNames.Cams
                : throw new ArgumentException(
                    camClass < 0 ? $"{Source} has no Cam column; {Refit}." : $"{Source} has no Cams column, so it cannot give the CAM of class '{options.CamClass}'; fit it with OnnxMaps.Cams.",
                    nameof(options));
        }

        if (options.IncludeCaam && !_mapShapes.ContainsKey(OnnxNames.Caam))
        {
            throw new ArgumentException($"{Source} has no Caam column; {Refit}.", nameof(options));
        }

        return camRole;
    }

    private Heatmap MapOf(string role, VBuffer<float> buffer, int slice)
    {
        var shape = _mapShapes[role];
        var (height, width) = (shape[^2], shape[^1]);
        var values = buffer.DenseValues().Skip(slice * height * width).Take(height * width).ToArray();
        return new Heatmap(height, width, values);
    }
}
