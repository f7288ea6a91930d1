using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>Opening a model zip: feeding its input columns from image files, checking that our trainers fitted it, and the picture of its resize.</summary>
public sealed partial class MLNetImageClassifier
{
    /// <summary>The rows with the model's input columns added (see the remarks of the class).</summary>
    private IDataView Feed(IDataView rows)
    {
        var source = rows.Schema.GetColumnOrNull(FileColumn) is { Type: TextDataViewType } ? FileColumn : ImageColumn;
        IEstimator<ITransformer> feed = new EstimatorChain<ITransformer>();
        foreach (var column in _inputSchema.Where(c => !c.IsHidden))
        {
            if (rows.Schema.GetColumnOrNull(column.Name) is { } present && present.Type.Equals(column.Type))
            {
                continue;
            }

            IEstimator<ITransformer>? step = (column.Type, source) switch
            {
                (TextDataViewType, FileColumn) => _ml.Transforms.CopyColumns(column.Name, FileColumn),
                (ImageDataViewType, FileColumn) => _ml.Transforms.LoadImages(column.Name, null, FileColumn),
                (VectorDataViewType { ItemType: var item }, FileColumn) when item == NumberDataViewType.Byte => _ml.Transforms.LoadRawImageBytes(column.Name, null, FileColumn),
                (ImageDataViewType, ImageColumn) => _ml.Transforms.CopyColumns(column.Name, ImageColumn),
                (VectorDataViewType or TextDataViewType, ImageColumn) => throw new ArgumentException(
                    $"{Source} reads its images from files (column '{column.Name}'), but the data set's images are in memory (IDX, CIFAR); give an image folder.", "data"),
                _ => null,   // a column scoring may not read (a key label, a box): left out; CheckSchema reports it if the model needs it
            };
            feed = step is null ? feed : feed.Append(step);
        }

        // ML.NET leaves an MLImage column out of the input schema it saves (the type has no serialised form), so a model
        // fitted on in-memory images (LoadFashionMnist, LoadCifar10) records only its label: feed the trainers' default
        // image column from the files.
        // (A text column may be the label; an unused extra Image column is harmless when the model loads images itself.)
        var recordsItsImages = _inputSchema.Any(c => !c.IsHidden && (c.Type is ImageDataViewType || c.Type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Byte));
        if (!recordsItsImages && source == FileColumn && rows.Schema.GetColumnOrNull(ImageColumn) is null)
        {
            feed = feed.Append(_ml.Transforms.LoadImages(ImageColumn, null, FileColumn));
        }

        return feed.Fit(rows).Transform(rows);
    }

    private DataViewSchema OutputSchema(IDataView fed)
    {
        try
        {
            return _model.GetOutputSchema(fed.Schema);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw Foreign($"camloss cannot feed its input columns from image files ({TorchErrors.FirstLine(e.Message).TrimEnd('.')})", e);
        }
    }

    private void CheckSchema(DataViewSchema scored)
    {
        if (scored.GetColumnOrNull(MLNetColumns.Score) is null)
        {
            throw Foreign("scoring gave no Score column");
        }
    }

    private ModelFileException Foreign(string why, Exception? inner = null) =>
        new(Source, $"is an ML.NET model but not an image classifier fitted by camloss's trainers: {why}. Give a model zip saved from mlContext.MulticlassClassification.Trainers.CamLoss (…) with mlContext.Model.Save, a camloss model file, or an ONNX file from camloss export.", inner);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e;
    }

    /// <summary>Every transformer of <paramref name="model"/>, chains opened.</summary>
    private static IEnumerable<ITransformer> Transformers(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Transformers).Prepend(model) : [model];

    /// <summary>The picture steps of ML.NET's resize in <paramref name="model"/> (see <see cref="Preprocessing"/>), from the size its resized column has.</summary>
    private static ImagePipeline PictureOfResize(ITransformer model, DataViewSchema input)
    {
        var schema = input;
        return ResizedSize(model, ref schema) is { } size
            ? size.Height == size.Width ? new ImagePipeline().Resize(size.Height).CenterCrop(size.Height) : new ImagePipeline().Resize(size.Height, size.Width)
            : new ImagePipeline();
    }

    /// <summary>The size of the model's resized image column (ML.NET keeps the resize settings internal; the column's type records the size).</summary>
    private static (int Height, int Width)? ResizedSize(ITransformer model, ref DataViewSchema schema)
    {
        if (model is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain)
            {
                if (ResizedSize(inner, ref schema) is { } found)
                {
                    return found;
                }
            }

            return null;
        }

        schema = model.GetOutputSchema(schema);
        return model is ImageResizingTransformer && schema.GetColumnOrNull(MLNetColumns.Resized) is { Type: ImageDataViewType { Height: > 0 } image }
            ? (image.Height, image.Width)
            : null;
    }

    /// <summary>One image file (the rows of <see cref="Predict(string, Microsoft.ML.CamLoss.Scoring.ScoringOptions?)"/>).</summary>
    private sealed class FileRow
    {
        public string ImagePath { get; set; } = string.Empty;
    }
}
