using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A Python global that <see cref="PickleGlobals"/> allows: a callable reimplemented here (never
/// looked up or run in Python), or a storage class used as a marker in persistent ids.
/// </summary>
/// <param name="FullName">The global as <c>module.name</c>.</param>
/// <param name="Invoke">What calling it with the given positional arguments builds; null when it is not callable.</param>
internal sealed record PickleGlobal(string FullName, Func<IReadOnlyList<object?>, object?>? Invoke)
{
    /// <summary>True for a <c>torch.*Storage</c> class (supported or not).</summary>
    public bool IsStorageClass { get; init; }

    /// <summary>For a supported storage class, its element type; null otherwise.</summary>
    public ScalarType? StorageDType { get; init; }

    /// <summary>The global's Python name, as messages show it (not the record's fields).</summary>
    public override string ToString() => FullName;
}
