using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// A core <see cref="ImageDataset"/> as an ML.NET <see cref="IDataView"/>: files as <c>ImagePath</c> (text; load them with
/// <c>LoadImages</c> or <c>LoadRawImageBytes</c>), in-memory pixels (CIFAR, IDX) as <c>Image</c> (an <c>MLImage</c> of fixed
/// size, made as rows are read), the class name as <c>Label</c> (text; make it a key with <c>MapValueToKey</c>), and the
/// bounding box as <c>BoxX</c>, <c>BoxY</c>, <c>BoxWidth</c>, <c>BoxHeight</c> (pixels; NaN where a row has none) when any row has one.
/// </summary>
internal static class DatasetDataView
{
    public static IDataView Create(MLContext ml, ImageDataset dataset)
    {
        if (dataset.InMemory is { } block)
        {
            MLImageType.Register();
            new ImageTypeAttribute(block.Height, block.Width).Register();   // ML.NET's rows know only registered image types
            var definition = SchemaDefinition.Create(typeof(PixelRow));
            definition[nameof(PixelRow.Image)].ColumnType = new ImageDataViewType(block.Height, block.Width);
            return ml.Data.LoadFromEnumerable(PixelRows(dataset, block), definition);
        }

        if (dataset.Any(s => s.Box is not null))
        {
            return ml.Data.LoadFromEnumerable(dataset.Select(s => new BoxRow
            {
                ImagePath = Path(s), Label = dataset.Classes[s.Label],
                BoxX = (float)(s.Box?.X ?? double.NaN), BoxY = (float)(s.Box?.Y ?? double.NaN),
                BoxWidth = (float)(s.Box?.Width ?? double.NaN), BoxHeight = (float)(s.Box?.Height ?? double.NaN),
            }).ToList());
        }

        return ml.Data.LoadFromEnumerable(dataset.Select(s => new FileRow { ImagePath = Path(s), Label = dataset.Classes[s.Label] }).ToList());
    }

    private static string Path(ImageSample sample) =>
        sample.Image.FilePath ?? throw new ArgumentException($"Image '{sample.Image.Name}' is not a file; an IDataView of image paths needs files.");

    private static IEnumerable<PixelRow> PixelRows(ImageDataset dataset, InMemoryImages block)
    {
        var plane = block.Height * block.Width;
        foreach (var sample in dataset)
        {
            var chw = block.GetImage(((InMemoryImageSource)sample.Image).Index);
            var rgba = new byte[plane * 4];
            for (var p = 0; p < plane; p++)
            {
                for (var c = 0; c < 3; c++)
                {
                    rgba[(4 * p) + c] = chw[(block.Channels == 1 ? 0 : c * plane) + p];
                }

                rgba[(4 * p) + 3] = 255;
            }

            yield return new PixelRow { Image = MLImage.CreateFromPixels(block.Width, block.Height, MLPixelFormat.Rgba32, rgba), Label = dataset.Classes[sample.Label] };
        }
    }

    private sealed class FileRow
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }

    private sealed class BoxRow
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;

        public float BoxX { get; set; }

        public float BoxY { get; set; }

        public float BoxWidth { get; set; }

        public float BoxHeight { get; set; }
    }

    private sealed class PixelRow
    {
        public MLImage? Image { get; set; }

        public string Label { get; set; } = string.Empty;
    }
}
