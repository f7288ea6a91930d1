using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>
/// Scores images with an ONNX graph that <see cref="OnnxExport"/> wrote, on ONNX Runtime: decodes each
/// image (path, bytes or stream), applies the resize and crop recorded in the graph's metadata, scales
/// to [0, 1], runs the graph (which normalises) and returns the label, the probabilities and, when the
/// graph has them, the CAM and CAAM. One classifier may be used from many threads at once (ONNX
/// Runtime's <c>Run</c> is thread-safe and each call has its own tensors). Dispose it to free the session.
/// </summary>
/// <remarks>
/// ONNX Runtime's telemetry is switched off before the session starts (<see cref="OnnxRuntimeTelemetry"/>):
/// scoring writes nothing under the user's home. The application supplies ONNX Runtime's natives
/// (<c>Microsoft.ML.OnnxRuntime</c> for CPUs, <c>Microsoft.ML.OnnxRuntime.Gpu</c> for NVIDIA GPUs); the library
/// references the managed API only.
/// </remarks>
public sealed partial class OnnxImageClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly Dictionary<string, string> _outputs;
    private readonly MapResolution _mapResolution;

    /// <summary>Loads the graph at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFileException">The file is missing, is not a model ONNX Runtime can load (truncated, damaged), or is an ONNX model that camloss did not export (the message names the file).</exception>
    public OnnxImageClassifier(string path, OnnxImageClassifierOptions? options = null)
        : this(ReadFile(path), path, options)
    {
    }

    /// <summary>Loads the graph read from <paramref name="stream"/> (to its end; not disposed).</summary>
    /// <param name="stream">The ONNX bytes.</param>
    /// <param name="name">Name used in errors; default <c>&lt;stream&gt;</c>.</param>
    /// <param name="options">Session settings; default: CPU, ONNX Runtime's threads.</param>
    /// <exception cref="ModelFileException">The bytes are not a graph camloss exported (see <see cref="OnnxImageClassifier(string, OnnxImageClassifierOptions?)"/>).</exception>
    public OnnxImageClassifier(Stream stream, string? name = null, OnnxImageClassifierOptions? options = null)
        : this(ReadStream(stream), name ?? "<stream>", options)
    {
    }

    /// <summary>Loads the graph in <paramref name="model"/>.</summary>
    /// <param name="model">The ONNX bytes (e.g. from <see cref="OnnxExport.ToBytes(ImageClassificationModel, OnnxExportOptions?)"/>).</param>
    /// <param name="name">Name used in errors; default <c>&lt;bytes&gt;</c>.</param>
    /// <param name="options">Session settings; default: CPU, ONNX Runtime's threads.</param>
    /// <exception cref="ModelFileException">The bytes are not a graph camloss exported.</exception>
    public OnnxImageClassifier(byte[] model, string? name = null, OnnxImageClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Source = name ?? "<bytes>";
        options ??= new OnnxImageClassifierOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads, nameof(options));
        OnnxRuntimeTelemetry.Disable();
        _session = CreateSession(model, Source, options);
        try
        {
            var metadata = _session.ModelMetadata.CustomMetadataMap;
            ClassNames = ReadClassNames(metadata);
            _outputs = ReadOutputs(metadata);
            Preprocessing = PreprocessingJson.Read(ReadJson(metadata, OnnxNames.PreprocessingKey).AsArray(), Source);
            Architecture = metadata.GetValueOrDefault(OnnxNames.ArchitectureKey, "unknown");
            _mapResolution = metadata.GetValueOrDefault(OnnxNames.MapResolutionKey) == "input" ? MapResolution.Input : MapResolution.Feature;
            (_inputName, InputShape) = ReadInput();
            CheckOutputs();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The file or name the graph came from (used in errors).</summary>
    public string Source { get; }

    /// <summary>The classes, in the order of <see cref="ImagePrediction.Score"/>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The architecture recorded at export (e.g. <c>ResNet20</c>).</summary>
    public string Architecture { get; }

    /// <summary>What an image goes through before the graph (resize, crop …, then scaling to [0, 1]); the graph normalises.</summary>
    public ImagePipeline Preprocessing { get; }

    /// <summary>The graph's input <c>[C, H, W]</c>; <c>H</c> and <c>W</c> are 0 when the graph takes any size.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The activation maps the graph outputs.</summary>
    public OnnxMaps Maps =>
        (_outputs.ContainsKey(OnnxNames.Cam) ? OnnxMaps.Cam : OnnxMaps.None) |
        (_outputs.ContainsKey(OnnxNames.Caam) ? OnnxMaps.Caam : OnnxMaps.None) |
        (_outputs.ContainsKey(OnnxNames.Cams) ? OnnxMaps.Cams : OnnxMaps.None);

    /// <summary>The size the graph gives its maps at: the last feature map's (<c>camloss export --cam feature</c>) or the input's.</summary>
    public MapResolution MapResolution => _mapResolution;

    /// <summary>Predicts the image file at <paramref name="imagePath"/>.</summary>
    /// <exception cref="DatasetException">The file is missing or is not a readable image (the message names it).</exception>
    /// <exception cref="ArgumentException">The options ask for a map the graph lacks, or the image does not fit the graph's input size.</exception>
    public ImagePrediction Predict(string imagePath, ScoringOptions? options = null) => Predict(ImageSource.FromFile(imagePath), options);

    /// <summary>Predicts an encoded image (JPEG, PNG, BMP, WebP …); <paramref name="name"/> is used in errors (default <c>&lt;bytes&gt;</c>).</summary>
    public ImagePrediction Predict(ReadOnlyMemory<byte> encodedImage, string? name = null, ScoringOptions? options = null) =>
        Predict(ImageSource.FromBytes(encodedImage, name), options);

    /// <summary>Predicts an encoded image read from <paramref name="stream"/> (to its end; not disposed).</summary>
    public ImagePrediction Predict(Stream stream, string? name = null, ScoringOptions? options = null) => Predict(ImageSource.FromStream(stream, name), options);

    /// <summary>Predicts one image.</summary>
    public ImagePrediction Predict(ImageSource image, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Predict([image], options)[0];
    }

    /// <summary>Predicts several images in one run of the graph (they must have one size after preprocessing).</summary>
    /// <exception cref="ArgumentException">The images differ in size after preprocessing, a map is asked for that the graph lacks, or the size does not fit the graph.</exception>
    /// <exception cref="DatasetException">An image is missing or cannot be decoded (the message names it).</exception>
    public IReadOnlyList<ImagePrediction> Predict(IReadOnlyList<ImageSource> images, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        options ??= new ScoringOptions();
        if (images.Count == 0)
        {
            return [];
        }

        using var scope = torch.NewDisposeScope();
        return Score(ImagePredictionEngine.Prepare(Preprocessing, images), [.. images.Select(i => i.Name)], options);
    }

    /// <summary>
    /// Scores every image of <paramref name="data"/> in batches of <see cref="ScoringOptions.BatchSize"/>, in
    /// data-set order (decoding on loader threads); labels are matched to <see cref="ClassNames"/> by name. Pass
    /// the result to <see cref="MulticlassClassificationCatalog.Evaluate"/> for the metrics.
    /// </summary>
    /// <exception cref="ArgumentException">The data set has images of a class the graph does not know, or the options ask for a map it lacks.</exception>
    /// <exception cref="DatasetException">An image cannot be read.</exception>
    public ScoredImageData Transform(ImageDataset data, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ScoringOptions();
        var labelMap = ImageClassificationModel.MapLabels(ClassNames, data);
        CheckMaps(options);
        var loader = new ImageLoader(data, Preprocessing, new ImageLoaderOptions
        {
            BatchSize = options.BatchSize,
            Shuffle = false,
            Workers = Math.Min(Environment.ProcessorCount, 4),
        });
        var predictions = new List<ImagePrediction>(data.Count);
        var labels = new List<int>(data.Count);
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                predictions.AddRange(Score(batch.Images, [.. batch.Indices.Select(i => data[i].Image.Name)], options));
                labels.AddRange(batch.Indices.Select(i => labelMap[data[i].Label]));
            }
        }

        return new ScoredImageData(ClassNames, [.. predictions], [.. labels]);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _session.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"{Architecture} (ONNX), {ClassNames.Count} classes, input [{string.Join(", ", InputShape)}]";

    /// <summary>Scores a batch of [0, 1] pixels <c>[B, C, H, W]</c> (float32, CPU).</summary>
    private ImagePrediction[] Score(Tensor images, IReadOnlyList<string> sources, ScoringOptions options)
    {
        using var scope = torch.NewDisposeScope();
        CheckMaps(options);
        var camClass = ImageClassificationModel.CamClassIndex(ClassNames, options);
        if (images.shape.Length == 4 && images.shape[1] == 1 && InputShape[0] == 3)
        {
            images = images.expand(-1, 3, -1, -1);   // a grey image for an RGB graph: the grey level in each channel, as ML.NET's ExtractPixels gives it
        }

        CheckSize(images, sources[0]);
        var shape = images.shape;
        var pixels = images.to(ScalarType.Float32, torch.CPU).contiguous().data<float>().ToArray();
        var wanted = new List<string> { OnnxNames.Score, OnnxNames.Logits };
        if (options.IncludeCam)
        {
            wanted.Add(camClass >= 0 || !_outputs.ContainsKey(OnnxNames.Cam) ? OnnxNames.Cams : OnnxNames.Cam);
        }

        if (options.IncludeCaam)
        {
            wanted.Add(OnnxNames.Caam);
        }

        using var input = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        using var run = Run(input, [.. wanted.Select(role => _outputs[role])]);
        var results = run.ToArray();
        var count = (int)shape[0];
        var classes = ClassNames.Count;
        var scores = results[0].GetTensorDataAsSpan<float>();
        var logits = results[1].GetTensorDataAsSpan<float>();
        var camClasses = new int[count];
        for (var b = 0; b < count; b++)
        {
            camClasses[b] = camClass >= 0 ? camClass : ArgMax(logits.Slice(b * classes, classes));
        }

        Heatmap[]? cams = null, caams = null;
        if (options.IncludeCam)
        {
            cams = Heatmaps(results[2], wanted[2] == OnnxNames.Cams ? camClasses : null, options.Resolution, images);
        }

        if (options.IncludeCaam)
        {
            caams = Heatmaps(results[^1], null, options.Resolution, images);
        }

        var predictions = new ImagePrediction[count];
        for (var b = 0; b < count; b++)
        {
            predictions[b] = new ImagePrediction(
                sources[b], ClassNames, scores.Slice(b * classes, classes).ToArray(), cams?[b], caams?[b], options.IncludeCam ? camClasses[b] : -1);
        }

        return predictions;
    }

    /// <summary>
    /// One heatmap per image from a map output <c>[B, h, w]</c>, or, with <paramref name="classes"/>, from
    /// <c>Cams [B, C, h, w]</c> at each image's class; resized to the input (as the TorchSharp path does)
    /// when the graph gives feature-resolution maps and the input resolution is asked for.
    /// </summary>
    private Heatmap[] Heatmaps(OrtValue output, int[]? classes, MapResolution resolution, Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var shape = output.GetTensorTypeAndShape().Shape;
        var maps = torch.tensor(output.GetTensorDataAsSpan<float>().ToArray(), shape);
        if (classes is not null)
        {
            maps = torch.stack(classes.Select((c, b) => maps[b, c]), 0);
        }

        return ImageClassificationModel.Maps(maps, _mapResolution == MapResolution.Input ? MapResolution.Feature : resolution, images);
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(OrtValue input, IReadOnlyCollection<string> outputs)
    {
        try
        {
            using var runOptions = new RunOptions();
            return _session.Run(runOptions, [_inputName], [input], outputs);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"{Source}: ONNX Runtime failed to score the batch ({FirstLine(e)}).", e);
        }
    }

    /// <exception cref="ArgumentException">The options ask for a map the graph does not output, or at a resolution it cannot give.</exception>
    private void CheckMaps(ScoringOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options));
        ImageClassificationModel.CamClassIndex(ClassNames, options);
        const string Export = "export it with maps (camloss export --cam feature, or OnnxExportOptions.Maps)";
        if (options.IncludeCam && options.CamClass is not null && !_outputs.ContainsKey(OnnxNames.Cams))
        {
            throw new ArgumentException(
                $"{Source} has no Cams output, so it cannot give the CAM of class '{options.CamClass}'; export it with every class's CAM (camloss export --cams, or OnnxMaps.Cams).",
                nameof(options));
        }

        if (options.IncludeCam && !_outputs.ContainsKey(OnnxNames.Cam) && !_outputs.ContainsKey(OnnxNames.Cams))
        {
            throw new ArgumentException($"{Source} has no Cam output; {Export}.", nameof(options));
        }

        if (options.IncludeCaam && !_outputs.ContainsKey(OnnxNames.Caam))
        {
            throw new ArgumentException($"{Source} has no Caam output; {Export}.", nameof(options));
        }

        if ((options.IncludeCam || options.IncludeCaam) && options.Resolution == MapResolution.Feature && _mapResolution == MapResolution.Input)
        {
            throw new ArgumentException(
                $"{Source} outputs its maps at the input's resolution; feature-resolution maps need an export with camloss export --cam feature (MapResolution.Feature).", nameof(options));
        }
    }

    private void CheckSize(Tensor images, string first)
    {
        var shape = images.shape;
        if (shape.Length != 4 || shape[1] != InputShape[0]
            || (InputShape[1] > 0 && shape[2] != InputShape[1]) || (InputShape[2] > 0 && shape[3] != InputShape[2]))
        {
            throw new ArgumentException(
                $"{first} is [{string.Join(", ", shape.Skip(1))}] after preprocessing but {Source} takes [{string.Join(", ", InputShape.Select(d => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "any"))}] " +
                "inputs. The preprocessing recorded in the graph should give that size; check the image or the export.",
                nameof(images));
        }
    }

    private static string FirstLine(Exception e) => TorchErrors.FirstLine(e.Message).TrimEnd('.');

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
