namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A pickle in a checkpoint refers to a Python global (a function or class, e.g. <c>os.system</c>)
/// that this reader does not rebuild. Unpickling it in Python would call arbitrary code; here the
/// file is refused as soon as the global is read, before anything is built, and nothing is executed.
/// </summary>
public sealed class UnsafeCheckpointException : CheckpointFormatException
{
    /// <summary>Creates the exception for <paramref name="path"/> naming the refused global.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="globalName">The global as <c>module.name</c>, e.g. <c>os.system</c>.</param>
    public UnsafeCheckpointException(string path, string globalName)
        : base(path,
            $"refused to load: its pickle refers to the Python global '{globalName}', which is not one of the " +
            "tensor, storage and container types this reader rebuilds (see PyTorchCheckpoint). Nothing was executed. " +
            "If you trust the file, load it in PyTorch and save only its tensors, " +
            "torch.save(model.state_dict(), path), or convert it to .safetensors.")
    {
        GlobalName = globalName;
    }

    /// <summary>The refused global as <c>module.name</c>, e.g. <c>os.system</c>.</summary>
    public string GlobalName { get; }
}
