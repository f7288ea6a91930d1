using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.FewShot;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>
/// Few-shot evaluation from ML.NET: <c>mlContext.MulticlassClassification.EvaluateFewShot(runFolder, novel, options)</c>
/// scores N-way K-shot episodes of the classes in <c>novel</c> with the frozen backbone a training run left in its
/// checkpoint (<see cref="ImageClassificationModel.FromCheckpoint"/>): the protocol of <see cref="FewShotEvaluator"/>.
/// </summary>
/// <example><code>
/// var mlContext = new MLContext(seed: 1);
/// var novel = mlContext.Data.LoadImageFolder("birds-novel");   // classes the backbone never trained on
/// var evaluation = mlContext.MulticlassClassification.EvaluateFewShot("runs/birds", novel, new FewShotOptions { Seed = 1 });
/// Console.WriteLine(evaluation[5]);   // 5-way 5-shot (15 queries, 600 episodes): mean ± 1.96·σ/√600
/// </code></example>
public static class CamLossFewShotCatalog
{
    /// <summary>
    /// Evaluates the backbone of <paramref name="backbone"/> (a run folder or its checkpoint file) on N-way K-shot episodes of
    /// <paramref name="novel"/>'s classes: <see cref="FewShotEvaluator.Evaluate"/> on the rows' image files, read and
    /// preprocessed as the model scores (its checkpoint's scoring preprocessing). Classes are the distinct labels in ordinal
    /// order, images in row order; so the data a loader such as <c>mlContext.Data.LoadImageFolder</c> gives scores the same
    /// episodes as the core's <see cref="ImageFolder.Load"/> of the same folder.
    /// </summary>
    /// <param name="catalog">The multiclass catalog.</param>
    /// <param name="backbone">The training run's folder (<see cref="ImageClassificationTrainerOptions.CheckpointDirectory"/>) or checkpoint file.</param>
    /// <param name="novel">The images to draw episodes from: a text column of image file paths and a label column (text, or a key with its values).</param>
    /// <param name="options">The episodes and the per-episode fit; default <see cref="FewShotOptions"/>' (5-way, K = 1 and 5, 15 queries, 600 episodes, seed 0).</param>
    /// <param name="labelColumnName">The label column; default <c>Label</c>.</param>
    /// <param name="imagePathColumnName">The image-path column; default <c>ImagePath</c> (what the image loaders give).</param>
    /// <param name="progress">Receives one report when the features are extracted and one per batch of episodes.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <remarks>A missing or damaged checkpoint throws what <see cref="ImageClassificationModel.FromCheckpoint"/> throws.</remarks>
    /// <exception cref="ArgumentException">A column is missing or of another type (the message names it), or the data has too few classes or images for the episodes.</exception>
    public static FewShotEvaluation EvaluateFewShot(
        this MulticlassClassificationCatalog catalog, string backbone, IDataView novel, FewShotOptions? options = null, string labelColumnName = "Label",
        string imagePathColumnName = "ImagePath", IProgress<FewShotProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(backbone);
        ArgumentNullException.ThrowIfNull(novel);
        var data = ImageDataset.FromEnumerable(Rows(novel, imagePathColumnName, labelColumnName));
        using var model = ImageClassificationModel.FromCheckpoint(backbone);
        return FewShotEvaluator.Evaluate(model, data, options, progress, cancellationToken);
    }

    /// <summary>The rows of <paramref name="data"/> as image files with their labels' names.</summary>
    private static List<ImageRow> Rows(IDataView data, string imagePathColumn, string labelColumn)
    {
        var paths = data.Schema.GetColumnOrNull(imagePathColumn) is { Type: TextDataViewType } ? data.GetColumn<string>(imagePathColumn).ToList()
            : throw new ArgumentException($"The data has no text column '{imagePathColumn}' of image file paths; load it with an image loader (e.g. mlContext.Data.LoadImageFolder) or pass imagePathColumnName.", nameof(data));
        var labels = Labels(data, labelColumn);
        return [.. paths.Zip(labels, (path, label) => new ImageRow { ImagePath = path, Label = label })];
    }

    /// <summary>The label of every row, by name: the text itself, or a key's value.</summary>
    private static List<string> Labels(IDataView data, string labelColumn)
    {
        var column = data.Schema.GetColumnOrNull(labelColumn);
        if (column is { Type: TextDataViewType })
        {
            return [.. data.GetColumn<string>(labelColumn)];
        }

        if (column is { Type: KeyDataViewType } key && key.HasKeyValues())
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            key.GetKeyValues(ref names);
            var values = names.DenseValues().Select(n => n.ToString()).ToArray();
            return [.. data.GetColumn<uint>(labelColumn).Select((k, row) => k is > 0 && k <= values.Length
                ? values[k - 1]
                : throw new ArgumentException($"Row {row}: '{labelColumn}' is key {k}, which has no class name.", nameof(data)))];
        }

        throw new ArgumentException($"The data has no label column '{labelColumn}' of text, or of keys with their values (MapValueToKey); pass labelColumnName.", nameof(data));
    }
}
