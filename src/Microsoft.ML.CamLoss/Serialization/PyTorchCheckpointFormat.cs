namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>The two file formats of <c>torch.save</c>.</summary>
public enum PyTorchCheckpointFormat
{
    /// <summary>A zip archive with <c>data.pkl</c> and one entry per storage (PyTorch 1.6 and later, the default).</summary>
    Zip,

    /// <summary>Consecutive pickles followed by the raw storages (before PyTorch 1.6, or <c>_use_new_zipfile_serialization=False</c>).</summary>
    Legacy,
}
