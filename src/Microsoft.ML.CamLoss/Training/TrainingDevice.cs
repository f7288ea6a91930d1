namespace Microsoft.ML.CamLoss.Training;

/// <summary>Where training runs.</summary>
public enum TrainingDevice
{
    /// <summary>The first CUDA GPU when libtorch sees one, else the CPU.</summary>
    Auto,

    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>The first CUDA GPU; an error when there is none.</summary>
    Cuda,
}
