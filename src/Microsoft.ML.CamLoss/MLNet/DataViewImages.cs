using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// Turns an <see cref="IDataView"/> (image column and key label) into the core's in-memory <see cref="ImageDataset"/>
/// once: every image goes through ML.NET's own decode and <c>ResizeImages</c> (<see cref="MLNetPreprocessing"/>), the
/// very transforms of the fitted model, and is kept as 8-bit planar RGB, so the loader batches by copying bytes and
/// training, validation and scoring start from identical pixels.
/// </summary>
internal static class DataViewImages
{
    /// <summary>The data set of <paramref name="data"/>; every label must be a key of <paramref name="classNames"/>.</summary>
    /// <exception cref="ArgumentException">A row's label is missing (a value the label's <c>MapValueToKey</c> did not see), or an image cannot be read.</exception>
    public static ImageDataset ToDataset(
        MLContext ml, IDataView data, string imageColumn, string labelColumn, IReadOnlyList<string> classNames, (int Height, int Width) size,
        ImageResizingEstimator.ResizingKind resizing, string name)
    {
        var kind = MLNetSchemaChecks.ImageKind(data.Schema, imageColumn);
        var pixels = MLNetPreprocessing.Pixels(ml, kind, imageColumn, size, resizing, asFloat: false).Fit(data).Transform(data);
        var imageSize = 3 * size.Height * size.Width;
        var bytes = new List<byte[]>();
        var labels = new List<int>();
        var row = 0L;
        try
        {
            using var cursor = pixels.GetRowCursor([pixels.Schema[MLNetColumns.Pixels], pixels.Schema[labelColumn]]);
            var getPixels = cursor.GetGetter<VBuffer<byte>>(pixels.Schema[MLNetColumns.Pixels]);
            var getLabel = cursor.GetGetter<uint>(pixels.Schema[labelColumn]);
            VBuffer<byte> buffer = default;
            uint key = 0;
            while (cursor.MoveNext())
            {
                getLabel(ref key);
                if (key == 0 || key > classNames.Count)
                {
                    throw new ArgumentException(
                        $"Row {row} of '{name}' has no valid '{labelColumn}' (key {key}): a value the label's MapValueToKey did not see. The classes are: {Microsoft.ML.CamLoss.Training.ImageClassificationModel.Preview(classNames)}.");
                }

                getPixels(ref buffer);
                var image = new byte[imageSize];
                buffer.CopyTo(image);
                bytes.Add(image);
                labels.Add((int)key - 1);
                row++;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IOException)
        {
            throw new ArgumentException($"Row {row} of '{name}': column '{imageColumn}' cannot be read as an image: {e.Message}", e);
        }

        var all = new byte[(long)bytes.Count * imageSize];
        for (var i = 0; i < bytes.Count; i++)
        {
            bytes[i].CopyTo(all, (long)i * imageSize);
        }

        var block = new InMemoryImages(name, all, bytes.Count, 3, size.Height, size.Width);
        var samples = labels.Select((label, i) => new ImageSample(new InMemoryImageSource(block, i), label)).ToArray();
        return new ImageDataset(samples, new ClassNames(classNames), name, skipInvalidImages: false, new SkipReport());
    }
}
