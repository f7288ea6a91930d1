using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// A CNN classifier whose forward pass returns the logits and the feature taps CAM-loss, CCM
/// and ICASC read (<see cref="BackboneOutput"/>). The head is a linear layer on globally
/// average-pooled <c>last</c> features, <c>z = W · GAP(F) + b</c>; its weight <c>W [C, K]</c> is what
/// class activation maps are computed from.
/// </summary>
public abstract class Backbone : Module<Tensor, BackboneOutput>
{
    /// <summary>The classifier head: <c>Linear(K, C)</c>.</summary>
    public Linear Classifier { get; private set; } = null!;

    /// <summary>K: channels of the <c>last</c> tap (the head's input features).</summary>
    public long FeatureChannels => Classifier.Weight.Size(1);

    /// <summary>C: number of classes the head predicts.</summary>
    public long NumClasses => Classifier.Weight.Size(0);

    /// <summary>
    /// Replaces the head with a new <c>Linear(K, numClasses)</c> (PyTorch's default initialisation),
    /// for fine-tuning on new classes; the old head is disposed. Parameter names stay the same.
    /// </summary>
    public void ReplaceClassifier(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        Classifier = RegisterModule(ClassifierName, new Linear(FeatureChannels, numClasses));
    }

    /// <summary>Computes the logits and taps.</summary>
    public sealed override BackboneOutput Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = new TensorScope();
        var (inner, last) = ForwardFeatures(input);
        var logits = Classifier.Forward(Functional.AdaptiveAvgPool2d(last).Flatten(1));
        return new BackboneOutput(scope.MoveOut(logits), scope.MoveOut(last), scope.MoveOut(inner));
    }

    /// <summary>The state-dict name of the head (e.g. <c>fc</c> in torchvision, <c>linear</c> in the CIFAR checkpoints).</summary>
    public abstract string ClassifierName { get; }

    /// <summary>The <c>inner</c> and <c>last</c> feature maps of <paramref name="input"/>.</summary>
    protected abstract (Tensor Inner, Tensor Last) ForwardFeatures(Tensor input);

    /// <summary>Creates and registers the head (call once, where PyTorch's model creates it, so initialisation draws match).</summary>
    protected void CreateClassifier(long featureChannels, int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        Classifier = RegisterModule(ClassifierName, new Linear(featureChannels, numClasses));
    }
}
