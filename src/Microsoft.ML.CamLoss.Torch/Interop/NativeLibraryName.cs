namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>The native shim's library name, as resolved by <see cref="NativeLibraryResolver"/>.</summary>
internal static class NativeLibraryName
{
    /// <summary>File stem of <c>libcamloss_native.so</c>.</summary>
    public const string Value = "camloss_native";
}
