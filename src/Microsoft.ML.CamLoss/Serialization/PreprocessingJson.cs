using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The scoring preprocessing of a model file as JSON: one object per transform, e.g.
/// <c>{"type": "resize", "height": 256, "width": 256, "antialias": true}</c>, so a loaded model
/// prepares images exactly as the trained one did. A mean image (<see cref="MeanImageNormalizeTransform"/>)
/// is stored as base64 of its little-endian float32 values (800 kB of text for 3×224×224).
/// </summary>
internal static class PreprocessingJson
{
    public static JsonArray Write(ImagePipeline scoring) =>
        [.. scoring.Transforms.Select(Describe)];

    public static ImagePipeline Read(JsonArray transforms, string path)
    {
        var pipeline = new ImagePipeline();
        foreach (var node in transforms)
        {
            var transform = node as JsonObject ?? throw Corrupt(path, "a preprocessing step is not a JSON object");
            pipeline = pipeline.Append(Create(transform, path));
        }

        return pipeline.ForScoring();
    }

    private static JsonObject Describe(IImageTransform transform) => transform switch
    {
        ResizeTransform { ShorterSide: { } side } r => new() { ["type"] = "resize", ["shorterSide"] = side, ["maxSize"] = r.MaxSize, ["antialias"] = r.Antialias },
        ResizeTransform r => new() { ["type"] = "resize", ["height"] = r.Height, ["width"] = r.Width, ["antialias"] = r.Antialias },
        CenterCropTransform c => new() { ["type"] = "centerCrop", ["height"] = c.Height, ["width"] = c.Width },
        NormalizeTransform n => new() { ["type"] = "normalize", ["mean"] = new JsonArray([.. n.Mean.Select(v => JsonValue.Create(v))]), ["std"] = new JsonArray([.. n.Std.Select(v => JsonValue.Create(v))]) },
        ToFloatTransform => new() { ["type"] = "toFloat" },
        GrayscaleToRgbTransform => new() { ["type"] = "grayscaleToRgb" },
        MeanImageNormalizeTransform m => new()
        {
            ["type"] = "meanImageNormalize", ["channels"] = m.Channels, ["height"] = m.Height, ["width"] = m.Width,
            ["std"] = new JsonArray([.. m.Std.Select(v => JsonValue.Create(v))]),
            ["mean"] = Convert.ToBase64String(MemoryMarshal.AsBytes(((float[])[.. m.MeanImage]).AsSpan())),
        },
        _ => throw new NotSupportedException(
            $"The scoring transform {transform.GetType().Name} cannot be saved in a model file; the saved preprocessing supports resize, centre crop, normalize, mean-image normalisation, grayscale-to-RGB and the training-only augmentations."),
    };

    private static IImageTransform Create(JsonObject step, string path)
    {
        try
        {
            return step["type"]?.GetValue<string>() switch
            {
                "resize" when step["shorterSide"] is { } side => new ResizeTransform(side.GetValue<int>(), step["maxSize"]?.GetValue<int>(), step["antialias"]!.GetValue<bool>()),
                "resize" => new ResizeTransform(step["height"]!.GetValue<int>(), step["width"]!.GetValue<int>(), step["antialias"]!.GetValue<bool>()),
                "centerCrop" => new CenterCropTransform(step["height"]!.GetValue<int>(), step["width"]!.GetValue<int>()),
                "normalize" => new NormalizeTransform(Floats(step["mean"]), Floats(step["std"])),
                "toFloat" => ToFloatTransform.Instance,
                "grayscaleToRgb" => GrayscaleToRgbTransform.Instance,
                "meanImageNormalize" => new MeanImageNormalizeTransform(
                    FloatsFromBase64(step["mean"]), step["channels"]!.GetValue<int>(), step["height"]!.GetValue<int>(), step["width"]!.GetValue<int>(), Floats(step["std"])),
                var type => throw Corrupt(path, $"the preprocessing step '{type}' is unknown to this library version"),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw Corrupt(path, $"the preprocessing step {step.ToJsonString()} is malformed ({e.Message})", e);
        }
    }

    private static float[] Floats(JsonNode? array) => [.. array!.AsArray().Select(v => v!.GetValue<float>())];

    /// <summary>float32 values stored little-endian, base64-encoded (a mean image has 150,528 of them).</summary>
    private static float[] FloatsFromBase64(JsonNode? text)
    {
        var bytes = Convert.FromBase64String(text!.GetValue<string>());
        if (bytes.Length % sizeof(float) != 0 || !BitConverter.IsLittleEndian)
        {
            throw new FormatException($"{bytes.Length} bytes are not little-endian float32 values.");
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static ModelFileException Corrupt(string path, string what, Exception? inner = null) =>
        new(path, $"cannot be used as a model: {what}.", inner);
}
