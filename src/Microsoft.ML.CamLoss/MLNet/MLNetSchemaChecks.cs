using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// The estimator's checks of its input: each wrong schema gets one line naming the column, its type, and the ML.NET
/// transform that fixes it.
/// </summary>
internal static class MLNetSchemaChecks
{
    /// <summary>What the image column holds, or an <see cref="ArgumentException"/> naming the fix.</summary>
    public static ImageColumnKind ImageKind(DataViewSchema schema, string column)
    {
        var col = Find(schema, column, $"load images into it with mlContext.Transforms.LoadImages(\"{column}\", folder, \"ImagePath\") or LoadRawImageBytes(\"{column}\", folder, \"ImagePath\"), or set ImageColumnName");
        return col.Type switch
        {
            ImageDataViewType => ImageColumnKind.Image,
            VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Byte => ImageColumnKind.Bytes,
            _ => throw WrongImageType(column, col.Type),
        };
    }

    /// <summary>The class names (the key values of the label column, in key order), or an <see cref="ArgumentException"/> naming the fix.</summary>
    public static string[] ClassNames(DataViewSchema schema, string column)
    {
        var col = Find(schema, column, $"set LabelColumnName to the label's column");
        if (col.Type is not KeyDataViewType key)
        {
            throw NotKey(column, col.Type);
        }

        var names = KeyValues(col);
        if (names is null || names.Length != (int)key.Count)
        {
            throw new ArgumentException($"Column '{column}' is a key without its class names (no KeyValues annotation); make it with mlContext.Transforms.Conversion.MapValueToKey(\"{column}\") from the class names.");
        }

        return names;
    }

    /// <summary>The same checks on a schema shape (the estimator's <c>GetOutputSchema</c>).</summary>
    public static ImageColumnKind Check(SchemaShape shape, string imageColumn, string labelColumn)
    {
        var image = FindImage(shape, imageColumn);
        if (shape.FirstOrDefault(c => c.Name == labelColumn) is not { Name: not null } label)
        {
            throw new ArgumentException($"The data has no column '{labelColumn}' (columns: {string.Join(", ", shape.Select(c => c.Name))}); set LabelColumnName to the label's column.");
        }

        if (!label.IsKey)
        {
            throw NotKey(labelColumn, label.ItemType);
        }

        return KindOf(image, imageColumn);
    }

    /// <summary>The image column's checks alone on a schema shape (for scoring, where no label is needed).</summary>
    public static ImageColumnKind CheckImage(SchemaShape shape, string imageColumn) => KindOf(FindImage(shape, imageColumn), imageColumn);

    private static SchemaShape.Column FindImage(SchemaShape shape, string imageColumn) =>
        shape.FirstOrDefault(c => c.Name == imageColumn) is { Name: not null } image
            ? image
            : throw new ArgumentException($"The data has no column '{imageColumn}' (columns: {string.Join(", ", shape.Select(c => c.Name))}); load images with mlContext.Transforms.LoadImages or LoadRawImageBytes, or set ImageColumnName.");

    private static ImageColumnKind KindOf(SchemaShape.Column image, string imageColumn) => image.ItemType switch
    {
        ImageDataViewType when image.Kind == SchemaShape.Column.VectorKind.Scalar => ImageColumnKind.Image,
        var item when item == NumberDataViewType.Byte && image.Kind != SchemaShape.Column.VectorKind.Scalar => ImageColumnKind.Bytes,
        _ => throw WrongImageType(imageColumn, image.ItemType),
    };

    /// <summary>The fixed size of an <c>MLImage</c> column (after <c>ResizeImages</c>), or null.</summary>
    public static (int Height, int Width)? FixedSize(DataViewSchema schema, string column) =>
        schema.GetColumnOrNull(column)?.Type is ImageDataViewType { Height: > 0, Width: > 0 } image ? (image.Height, image.Width) : null;

    private static ArgumentException WrongImageType(string column, DataViewType type) => new(
        $"Column '{column}' is {type}; the image column must be an MLImage or encoded bytes: load it with mlContext.Transforms.LoadImages(\"{column}\", folder, \"ImagePath\") or LoadRawImageBytes(\"{column}\", folder, \"ImagePath\").");

    private static ArgumentException NotKey(string column, DataViewType type) =>
        new($"Column '{column}' is {type}; make it a key with mlContext.Transforms.Conversion.MapValueToKey(\"{column}\").");

    private static DataViewSchema.Column Find(DataViewSchema schema, string column, string fix) =>
        schema.GetColumnOrNull(column) ?? throw new ArgumentException(
            $"The data has no column '{column}' (columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}); {fix}.");

    private static string[]? KeyValues(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues")?.Type is not VectorDataViewType type)
        {
            return null;
        }

        return type.ItemType switch
        {
            TextDataViewType => Values<ReadOnlyMemory<char>>(column, v => v.ToString()),
            var t when t == NumberDataViewType.UInt32 => Values<uint>(column, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            var t when t == NumberDataViewType.Int32 => Values<int>(column, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            var t when t == NumberDataViewType.Int64 => Values<long>(column, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            var t when t == NumberDataViewType.Single => Values<float>(column, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            var t when t == NumberDataViewType.Double => Values<double>(column, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    private static string[] Values<T>(DataViewSchema.Column column, Func<T, string> text)
    {
        VBuffer<T> values = default;
        column.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(text)];
    }
}
