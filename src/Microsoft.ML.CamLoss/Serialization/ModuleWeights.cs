using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>Saving a TorchSharp module's weights to, and loading them from, weights files.</summary>
public static class ModuleWeights
{
    /// <summary>
    /// Writes the module's state dict (parameters and persistent buffers, PyTorch names, in PyTorch's
    /// order) to a CamLoss weights file (<see cref="ModelWeightsFile"/>: versioned, SHA-256 checksummed,
    /// written atomically). The module is only read; its tensors may be on any device.
    /// </summary>
    /// <param name="module">The module to save.</param>
    /// <param name="path">The file to write (replaced if it exists).</param>
    public static void SaveWeights(this nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ModelWeightsFile.Save(path, ModuleState.InPyTorchOrder(module));
    }

    /// <summary>
    /// Loads weights from a CamLoss weights file, a <c>torch.save</c> checkpoint (zip or legacy; the
    /// state dict may sit under <c>state_dict</c> or <c>model</c>, a <c>module.</c> prefix is removed) or a
    /// <c>.safetensors</c> file, as the <c>LoadStateDict</c> extension (namespace <c>Microsoft.ML.CamLoss.Models</c>) does (values are
    /// copied into the module's own tensors, converting dtype and device).
    /// </summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="path">The weights file.</param>
    /// <param name="strict">Whether missing or unexpected keys are errors (default); false for e.g. a pretrained backbone with a new head.</param>
    /// <returns>The keys that did not match.</returns>
    /// <exception cref="InvalidOperationException">Keys or shapes do not match; the message names the file and lists them.</exception>
    public static StateDictLoadResult LoadWeights(this nn.Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        var state = StateDictFile.Read(path);
        try
        {
            return module.LoadStateDict(state, strict);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{path}: {e.Message}", e);
        }
        finally
        {
            foreach (var tensor in state.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
