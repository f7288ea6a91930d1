namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// Parameters that share optimiser settings, e.g. a pretrained backbone at a low learning rate
/// and a new classifier head at a higher one (as a PyTorch param group).
/// </summary>
public sealed class ParameterGroup
{
    /// <summary>Creates a group; null settings take the optimiser's defaults.</summary>
    /// <param name="parameters">Tensors to update (each with <see cref="Tensor.RequiresGrad"/>).</param>
    /// <param name="learningRate">This group's learning rate; default: the optimiser's.</param>
    /// <param name="weightDecay">This group's weight decay; default: the optimiser's.</param>
    public ParameterGroup(IEnumerable<Tensor> parameters, double? learningRate = null, double? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        RequestedLearningRate = learningRate;
        RequestedWeightDecay = weightDecay;
    }

    /// <summary>The tensors this group updates.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate the next <see cref="Optimizer.Step"/> uses (schedules change it).</summary>
    public double LearningRate { get; set; }

    /// <summary>The learning rate the group started with; schedules scale this.</summary>
    public double InitialLearningRate { get; private set; }

    /// <summary>Weight decay of this group.</summary>
    public double WeightDecay { get; set; }

    internal double? RequestedLearningRate { get; }

    internal double? RequestedWeightDecay { get; }

    internal void Resolve(double defaultLearningRate, double defaultWeightDecay)
    {
        LearningRate = InitialLearningRate = RequestedLearningRate ?? defaultLearningRate;
        WeightDecay = RequestedWeightDecay ?? defaultWeightDecay;
    }
}
