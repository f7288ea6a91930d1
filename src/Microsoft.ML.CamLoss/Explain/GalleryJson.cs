using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// <c>gallery.json</c>, the index of a gallery folder: written by <see cref="ExplanationGallery"/>,
/// read by the training report. Keys: <c>columns</c> (the titles of a row's pictures),
/// <c>gallery</c> (file of the whole gallery), <c>model</c>, <c>dataset</c>, <c>seed</c>,
/// <c>inputSize</c> ([height, width] the network saw), <c>scale</c> (whole enlargement factor),
/// <c>colormap</c>, <c>opacity</c>, and <c>images</c>: per image <c>source</c>, <c>trueLabel</c>,
/// <c>predictedLabel</c>, <c>probability</c>, <c>correct</c>, <c>row</c> and <c>image</c> (file
/// names relative to the folder).
/// </summary>
internal static class GalleryJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>One image as listed in the file.</summary>
    public sealed record Item(string Source, string TrueLabel, string PredictedLabel, double Probability, string RowFile, string ImageFile);

    /// <summary>The parts of the file the report shows.</summary>
    public sealed record Index(IReadOnlyList<string> Columns, string GalleryFile, IReadOnlyList<Item> Images);

    public static void Write(string path, GalleryResult result, string model, string dataset, ulong seed, string colormap, double opacity)
    {
        var json = new JsonObject
        {
            ["columns"] = new JsonArray([.. ExplanationGallery.Columns.Select(c => JsonValue.Create(c))]),
            ["gallery"] = ExplanationGallery.GalleryFileName,
            ["model"] = model,
            ["dataset"] = dataset,
            ["seed"] = seed,
            ["inputSize"] = new JsonArray([.. result.ImageSize.Select(s => JsonValue.Create(s))]),
            ["scale"] = result.Scale,
            ["colormap"] = colormap,
            ["opacity"] = opacity,
            ["images"] = new JsonArray([.. result.Entries.Select(e => (JsonNode)new JsonObject
            {
                ["source"] = e.Source,
                ["trueLabel"] = e.TrueLabel,
                ["predictedLabel"] = e.PredictedLabel,
                ["probability"] = Math.Round(e.Probability, 6),
                ["correct"] = e.IsCorrect,
                ["row"] = e.RowFile,
                ["image"] = e.ImageFile,
            })]),
        };
        File.WriteAllText(path, json.ToJsonString(Indented) + "\n");
    }

    /// <summary>Reads the file; a missing key reads as empty, so an older or hand-edited file still shows what it has.</summary>
    /// <exception cref="InvalidDataException">The file is not a JSON object.</exception>
    public static Index Read(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }

        var columns = (root["columns"] as JsonArray)?.Select(c => Text(c)).ToArray() ?? [.. ExplanationGallery.Columns];
        var images = (root["images"] as JsonArray ?? []).OfType<JsonObject>().Select(i => new Item(
            Text(i["source"]),
            Text(i["trueLabel"]),
            Text(i["predictedLabel"]),
            i["probability"] is JsonValue p && p.TryGetValue<double>(out var probability) ? probability : double.NaN,
            Text(i["row"]),
            Text(i["image"]))).ToArray();
        return new Index(columns, Text(root["gallery"]), images);
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;
}
