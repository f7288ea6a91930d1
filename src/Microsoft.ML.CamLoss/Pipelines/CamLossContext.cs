using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>
/// The root object of the API, shaped like ML.NET's <c>MLContext</c> (it is this library's own
/// type, not ML.NET's): catalogs for loading data (<see cref="Data"/>), image transforms
/// (<see cref="Transforms"/>), trainers and evaluation (<see cref="MulticlassClassification"/>) and
/// model files (<see cref="Model"/>). The seed makes training reproducible; the logger receives
/// training and loading messages.
/// </summary>
/// <example><code>
/// var ml = new CamLossContext(seed: 1);
/// var train = ml.Data.LoadImageFolder("flowers/train");
/// var pipeline = ml.Transforms.LoadImages()
///     .Append(ml.Transforms.ResizeImages(224, 224))
///     .Append(ml.Transforms.NormalizeImageNet())
///     .Append(ml.MulticlassClassification.Trainers.CamLoss(new CamLossImageClassificationTrainer.Options { Epochs = 30 }));
/// using var model = pipeline.Fit(train);
/// </code></example>
public sealed class CamLossContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="seed">Seed of every random choice in training (initialisation, data order, augmentation, dropout, splits); null: a different seed each run.</param>
    /// <param name="logger">Receives training progress and warnings; null: none.</param>
    public CamLossContext(int? seed = null, ILogger? logger = null)
    {
        Seed = seed;
        Logger = logger ?? NullLogger.Instance;
        Data = new DataCatalog(this);
        Transforms = new TransformsCatalog();
        MulticlassClassification = new MulticlassClassificationCatalog(this);
        Model = new ModelOperationsCatalog();
    }

    /// <summary>The seed, or null for none.</summary>
    public int? Seed { get; }

    /// <summary>The logger.</summary>
    public ILogger Logger { get; }

    /// <summary>Data loaders: image folders, CUB-200-2011, Stanford Dogs, CIFAR, IDX, user objects.</summary>
    public DataCatalog Data { get; }

    /// <summary>Image transforms, as estimators to chain with <c>Append</c>.</summary>
    public TransformsCatalog Transforms { get; }

    /// <summary>Trainers and evaluation for multiclass image classification.</summary>
    public MulticlassClassificationCatalog MulticlassClassification { get; }

    /// <summary>Saving, loading and prediction engines.</summary>
    public ModelOperationsCatalog Model { get; }

}
