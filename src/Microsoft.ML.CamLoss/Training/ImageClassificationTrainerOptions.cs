using System.Text.Json.Serialization;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// What every image-classification trainer shares: the network, its starting weights, the
/// optimiser (TorchSharp's <c>torch.optim.SGD</c> or <c>AdamW</c>) and schedule, validation and early
/// stopping, seed, device, threads and checkpoints. The defaults are the paper's CIFAR protocol
/// (160 epochs, batch 128, SGD lr 0.1, momentum 0.9, weight decay 5e-4, cosine decay). For
/// fine-tuning a pretrained network the paper uses 90 epochs, batch 8–16, lr 0.001.
/// </summary>
public partial class ImageClassificationTrainerOptions
{
    /// <summary>The backbone; default <see cref="Architecture.ResNet18"/>.</summary>
    public Architecture Architecture = Architecture.ResNet18;

    /// <summary>
    /// Starting weights: a training checkpoint (its last weights), a CamLoss weights file, a PyTorch checkpoint
    /// (<c>torch.save</c> of a state dict, also under <c>state_dict</c>/<c>model</c>, keys possibly
    /// prefixed <c>module.</c>) or a <c>.safetensors</c> file, with the state-dict names of
    /// <see cref="Architecture"/> (torchvision's for the ImageNet ResNets). Null (default): the start
    /// <see cref="PretrainedWeights"/> says (ImageNet weights for ResNet-18, random initialisation otherwise).
    /// </summary>
    public string? PretrainedWeightsPath;

    /// <summary>
    /// The start when <see cref="PretrainedWeightsPath"/> is null: <see cref="PretrainedWeights.Default"/>
    /// (ImageNet for <see cref="Architecture.ResNet18"/>, random initialisation otherwise),
    /// <see cref="PretrainedWeights.ImageNet"/> or <see cref="PretrainedWeights.None"/>. From ImageNet the
    /// network is the package's ResNet-18 (<see cref="Architecture.ResNet18Cntk"/>: a third block in layer4), the
    /// classifier is new, and the weights' own preprocessing (RGB 0–255 minus a mean image, see
    /// <see cref="ImageNetWeights.ResNet18Preprocessing"/>) takes the place of the pipeline's
    /// <c>NormalizeImageNet</c> step (or is appended when the pipeline does not normalise) and is saved
    /// with the model. Setting <see cref="PretrainedWeightsPath"/> together with ImageNet or None is an error.
    /// </summary>
    public PretrainedWeights PretrainedWeights = PretrainedWeights.Default;

    /// <summary>
    /// When the pretrained classifier has a different number of classes than the data: false
    /// (default) stops with an error; true starts a new, randomly initialised head (fine-tuning an
    /// ImageNet network on new classes).
    /// </summary>
    public bool ReplaceClassifier;

    /// <summary>
    /// Null (default): the usual linear head <c>z = W·GAP(F) + b</c>. A scale <c>s &gt; 0</c>: Baseline++'s
    /// cosine classifier <c>z_c = s · cos(W_c, GAP(F))</c>, no bias (see <see cref="CosineClassifier"/>;
    /// <see cref="CosineClassifier.DefaultScale"/> = 10 is a good start). CAM-loss and the CAMs keep working
    /// unchanged with it: the min-max normalised CAM of <c>W</c> equals that of the normalised weights.
    /// The model file records the head.
    /// </summary>
    public double? CosineClassifierScale;

    /// <summary>Passes over the training data; default 160.</summary>
    public int Epochs = 160;

    /// <summary>Images per step; default 128.</summary>
    public int BatchSize = 128;

    /// <summary>The optimiser; default <see cref="OptimizerKind.Sgd"/>.</summary>
    public OptimizerKind Optimizer = OptimizerKind.Sgd;

    /// <summary>Base learning rate; default 0.1.</summary>
    public double LearningRate = 0.1;

    /// <summary>Learning-rate decay after the warm-up, applied every step (see <see cref="CosineSchedule"/>); default <see cref="LearningRateDecay.Cosine"/>.</summary>
    public LearningRateDecay LearningRateDecay = LearningRateDecay.Cosine;

    /// <summary>Epochs of linear warm-up from 1% of the base rate; default 0.</summary>
    public int WarmupEpochs;

    /// <summary>SGD momentum; default 0.9. (AdamW uses β₁ = 0.9, β₂ = 0.999.)</summary>
    public double Momentum = 0.9;

    /// <summary>Nesterov momentum for SGD; default false.</summary>
    public bool Nesterov;

    /// <summary>Weight decay (L2 for SGD, decoupled for AdamW) on every parameter; default 5e-4.</summary>
    public double WeightDecay = 5e-4;

    /// <summary>
    /// The classifier head's learning rate is <see cref="LearningRate"/> × this; default 1.
    /// Fine-tuning a pretrained backbone with a new head often uses 10.
    /// </summary>
    public double HeadLearningRateMultiplier = 1;

    /// <summary>Validation data scored after every epoch (for progress, early stopping and the best weights); default none.</summary>
    [JsonIgnore]
    public ImageDataset? ValidationSet;

    /// <summary>
    /// When no <see cref="ValidationSet"/> is given: the fraction of the training data held out
    /// for validation (stratified by class, from the seed); default 0 (none).
    /// </summary>
    public double ValidationFraction;

    /// <summary>Early stopping on a validation metric; default null (train all epochs).</summary>
    public EarlyStoppingOptions? EarlyStopping;

    /// <summary>
    /// Seed of initialisation, data order, augmentation and dropout; default null: a new seed each run (recorded in the checkpoint).
    /// On the CPU, two runs with the same seed, data, options and <see cref="Threads"/> end with
    /// identical weights, and so does a run stopped and resumed from its checkpoint. (On CUDA some
    /// libtorch kernels are not deterministic; TorchSharp offers no switch to forbid them.)
    /// </summary>
    public int? Seed;

    /// <summary>Device; default <see cref="TrainingDevice.Auto"/>.</summary>
    public TrainingDevice Device = TrainingDevice.Auto;

    /// <summary>
    /// The arithmetic of the training steps; default <see cref="TrainingPrecision.Auto"/>: bfloat16 mixed precision
    /// where the hardware computes it natively (a CPU with <c>avx512_bf16</c> or <c>amx_bf16</c>, a CUDA GPU of compute
    /// capability 8.0 or more), float32 elsewhere. Weights, checkpoints, saved models and scoring stay float32.
    /// </summary>
    public TrainingPrecision Precision = TrainingPrecision.Auto;

    /// <summary>
    /// libtorch intra-op threads, set with <c>torch.set_num_threads</c> when training starts. That
    /// setting is process-wide and stays after training. Default null: leave it as it is (libtorch
    /// starts with one thread per core). Results are reproducible for a fixed thread count.
    /// </summary>
    public int? Threads;

    /// <summary>Threads decoding and augmenting images ahead of the step; default min(cores, 4); 0 decodes on the training thread.</summary>
    public int DataLoaderWorkers = Math.Min(Environment.ProcessorCount, 4);

    /// <summary>
    /// Where to write a resumable checkpoint after every epoch (and on cancellation), the best
    /// weights, and <c>training.jsonl</c> (one JSON line per progress report, read by
    /// <c>camloss report</c>). Default null: nothing written.
    /// </summary>
    public string? CheckpointDirectory;

    /// <summary>Steps between progress reports within an epoch; default 10 (one more comes at every epoch end).</summary>
    public int ProgressInterval = 10;

    /// <summary>
    /// Checks every option against its allowed range, as training does when it starts: call it to find a bad value before
    /// loading the data. The exception's <see cref="ArgumentException.ParamName"/> is the option's name.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of its range (an <see cref="ArgumentOutOfRangeException"/>) or contradicts another.</exception>
    public void Validate() => TrainingOptionChecks.Validate(this);
}
