using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Reads a state dict (tensors by name) from any weights file this library knows, recognised by
/// its content rather than its extension: a <c>torch.save</c> checkpoint (<see cref="PyTorchCheckpoint"/>),
/// a <c>.safetensors</c> file (<see cref="SafeTensorsFile"/>) or this library's own weights file
/// (<see cref="ModelWeightsFile"/>).
/// </summary>
public static class StateDictFile
{
    /// <summary>The tensors of the weights file at <paramref name="path"/>, by name, in file order.</summary>
    /// <param name="path">A torch.save checkpoint, a .safetensors file or a CamLoss weights file.</param>
    /// <returns>CPU tensors by name. The caller owns them and must dispose each one; they belong to no dispose scope.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is none of these formats, or is damaged (see the readers).</exception>
    public static OrderedDictionary<string, Tensor> Read(string path)
    {
        WeightsFileKind kind;
        byte[] head;
        using (var file = OpenRead(path))
        {
            kind = WeightsFileSniffer.Detect(file, out head);
        }

        return kind switch
        {
            WeightsFileKind.CamLossWeights => ModelWeightsFile.Load(path),
            WeightsFileKind.SafeTensors => SafeTensorsFile.ReadStateDict(path),
            WeightsFileKind.TorchZip or WeightsFileKind.TorchLegacy or WeightsFileKind.TorchTar => PyTorchCheckpoint.ReadStateDict(path),
            _ => throw new CheckpointFormatException(path,
                $"it is not a weights file this library reads: it starts with {WeightsFileSniffer.Describe(head)}. " +
                "Expected a torch.save checkpoint, a .safetensors file or a CamLoss weights file; check the path."),
        };
    }

    /// <summary>Opens <paramref name="path"/> for reading, with a message naming the file when it is missing.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    internal static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path}: the weights file does not exist (looked for {System.IO.Path.GetFullPath(path)}). Check the path and the working directory.", path);
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }
}
