using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>Edits the manifest of a model archive the way a user re-zipping it would (the zip's CRC-32 updated with it).</summary>
internal static class ManifestEdit
{
    /// <summary>Replaces <c>manifest.json</c> in the archive at <paramref name="path"/> by a copy <paramref name="change"/> has edited.</summary>
    public static void Rewrite(string path, Action<JsonObject> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry("manifest.json")!;
        JsonObject manifest;
        using (var stream = entry.Open())
        {
            manifest = JsonNode.Parse(stream)!.AsObject();
        }

        change(manifest);
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open());
        writer.Write(manifest.ToJsonString());
    }
}
