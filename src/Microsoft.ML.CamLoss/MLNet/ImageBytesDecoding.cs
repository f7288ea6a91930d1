using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// Decodes encoded image bytes (a <c>LoadRawImageBytes</c> column) into ML.NET's <see cref="MLImage"/>, as ML.NET's
/// <c>LoadImages</c> does from a path (<see cref="MLImage.CreateFromStream"/>), inside the fitted chain as a
/// <c>CustomMapping</c>. A saved model finds this factory by its contract name; ML.NET saves the factory's assembly name
/// with the mapping and registers the assembly when it loads the model, so a fresh process needs no registration.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class ImageBytesDecoding : CustomMappingFactory<ImageBytesDecoding.Encoded, ImageBytesDecoding.Decoded>
{
    /// <summary>The contract name saved with models: <c>CamLoss.DecodeImageBytes</c>.</summary>
    public const string ContractName = "CamLoss.DecodeImageBytes";

    /// <summary>
    /// Makes ML.NET's type system know a size-less <see cref="MLImage"/> field (the output of this mapping), and switches
    /// ONNX Runtime's telemetry off: in a loaded model this mapping runs before the chain's ONNX transformer starts a session.
    /// </summary>
    static ImageBytesDecoding()
    {
        MLImageType.Register();
        Onnx.OnnxRuntimeTelemetry.Disable();
    }

    /// <summary>Decodes <paramref name="input"/>'s bytes; an empty or undecodable image raises one line naming the problem.</summary>
    /// <exception cref="InvalidOperationException">The bytes are empty or not an image ML.NET can decode.</exception>
    public static void Decode(Encoded input, Decoded output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (input.Bytes is not { Length: > 0 } bytes)
        {
            throw new InvalidOperationException("An image column row holds no bytes; LoadRawImageBytes found an empty or missing file.");
        }

        try
        {
            output.Image = MLImage.CreateFromStream(new MemoryStream(bytes, writable: false));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            throw new InvalidOperationException($"An image of {bytes.Length} bytes cannot be decoded ({e.Message.TrimEnd('.')}); check the file.", e);
        }
    }

    /// <inheritdoc />
    public override Action<Encoded, Decoded> GetMapping() => Decode;

    /// <summary>The input row: the encoded bytes.</summary>
    public sealed class Encoded
    {
        /// <summary>The encoded image (JPEG, PNG, BMP, GIF, WebP …).</summary>
        [ColumnName(MLNetColumns.Bytes)]
        public byte[]? Bytes;
    }

    /// <summary>The output row: the decoded image.</summary>
    public sealed class Decoded
    {
        /// <summary>The decoded image.</summary>
        [ColumnName(MLNetColumns.Decoded)]
        public MLImage? Image;
    }
}
