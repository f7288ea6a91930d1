namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>A named entry as the manifest records it: the SHA-256 (lowercase hex) and length of its content.</summary>
/// <param name="Name">The entry name, e.g. <c>weights</c>.</param>
/// <param name="Sha256">The SHA-256 of the entry's content, 64 lowercase hex digits.</param>
/// <param name="Length">The length of the entry's content in bytes.</param>
internal sealed record ManifestEntry(string Name, string Sha256, long Length);
