namespace Microsoft.ML.CamLoss.Training;

/// <summary>Where training runs.</summary>
public enum TrainingDevice
{
    /// <summary>The first CUDA GPU when TorchSharp sees one (a CUDA backend and an NVIDIA driver), else the CPU.</summary>
    Auto,

    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>
    /// The first CUDA GPU. Needs TorchSharp's CUDA backend (<c>TorchSharp-cuda-linux</c> or
    /// <c>TorchSharp-cuda-windows</c> instead of <c>TorchSharp-cpu</c>) and an NVIDIA driver; without
    /// them training stops with <see cref="TorchDeviceUnavailableException"/>.
    /// </summary>
    Cuda,
}
