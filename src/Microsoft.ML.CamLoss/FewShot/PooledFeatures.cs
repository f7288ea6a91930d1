using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>
/// The frozen backbone's features of a data set: <c>f = GAP(last)</c> <c>[K]</c> per image (the input of the
/// classifier head), computed in evaluation mode without gradients, through the model's scoring
/// preprocessing (resize, centre crop, normalise), as float32 on the network's device.
/// </summary>
internal static class PooledFeatures
{
    /// <summary>
    /// The features <c>[n, K]</c> of the images that could be read, and which images those are (indices
    /// into <paramref name="data"/>, in order): all of them unless the data set skips invalid images.
    /// </summary>
    public static (Tensor Features, int[] Images) Extract(ImageClassificationModel model, ImageDataset data, int batchSize, CancellationToken cancellationToken)
    {
        var loader = new ImageLoader(data, model.Preprocessing, new ImageLoaderOptions
        {
            BatchSize = batchSize,
            Shuffle = false,
            Device = model.NetworkDevice,
            Workers = Math.Min(Environment.ProcessorCount, 4),
        });
        var parts = new List<Tensor>();
        var images = new List<int>(data.Count);
        try
        {
            foreach (var batch in loader.Epoch(0))
            {
                using (batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    parts.Add(Pooled(model, batch.Images));
                    images.AddRange(batch.Indices);
                }
            }

            if (parts.Count == 0)
            {
                throw new ArgumentException($"No image of {data.Name} could be read ({data.SkipReport.Count} skipped).", nameof(data));
            }

            return (TorchErrors.Run(() => torch.cat(parts, 0), "Collecting the features"), [.. images]);
        }
        finally
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }
    }

    private static Tensor Pooled(ImageClassificationModel model, Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var network = model.Network;
        if (network.training)
        {
            network.eval();
        }

        using var output = network.forward(images);
        return TorchErrors.Run(() => output.Last.mean([2, 3]).to(ScalarType.Float32).MoveToOuterDisposeScope(), "Pooling the last feature map");
    }
}
