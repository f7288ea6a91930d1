using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models.Cntk;
using Microsoft.ML.CamLoss.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// ImageNet-pretrained weights for a ResNet-18, read offline from the NuGet package
/// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.23.1 (MIT; a dependency of this library, 59.5 MB
/// to download once, 64 MB in an application's <c>DnnImageModels/</c> folder). The package ships
/// <c>ResNet18.onnx</c>, a CNTK 2.6 export of the network without its classifier, and
/// <c>ResNetPreprocess.onnx</c>, its input preparation. Their graphs are read and mapped onto
/// torchvision's parameter names (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>, …,
/// <c>layer4.0.downsample.1</c>) by following the edges; the classifier (<c>fc</c>) is new, for the
/// user's classes. There is no ImageNet classifier in the package, so no ImageNet class predictions.
/// </summary>
/// <remarks>
/// <para>The package's "ResNet-18" is torchvision's ResNet-18 with one more basic block in <c>layer4</c>
/// (22 convolutions: blocks [2, 2, 2, 3]); it is built as <see cref="Architecture.ResNet18Cntk"/>
/// (<c>layer4.2</c> holds the extra block). Dropping that block to fit torchvision's ResNet-18 would change
/// the features, so the import refuses to.</para>
/// <para>The weights expect their own preprocessing, <see cref="ResNet18Preprocessing"/>: RGB pixel values
/// 0–255 minus a 224×224 mean image. The package's network reads BGR and values of about ±128; here its
/// first convolution's input channels are reversed and scaled so that the network reads RGB like every
/// network of this library, divided by 255 × torchvision's ImageNet std (inputs of unit scale, which
/// fine-tuning needs: unscaled, SGD at lr 0.01 diverged). The network computes the same features.
/// Everything that differs from torchvision is listed in <see cref="Conventions"/>.</para>
/// <para>With this preprocessing, the 512 pooled features of <see cref="ResNet18"/> match ONNX Runtime
/// running the package's two files to 1e-4 × their largest magnitude (224×224 input; the tests check it,
/// and measure about 2e-6).</para>
/// <para>The files are read once per process and kept as managed arrays (64 MB); each call creates new
/// tensors from them.</para>
/// </remarks>
/// <example>
/// <code>
/// using var network = ImageNetWeights.ResNet18(numClasses: 200);          // ImageNet backbone, new 200-class head
/// var preprocessing = new ImagePipeline().Resize(256).CenterCrop(224).Append(ImageNetWeights.ResNet18Preprocessing);
/// </code>
/// Trainers do this themselves: <c>PretrainedWeights = PretrainedWeights.ImageNet</c> (the default for ResNet-18).
/// </example>
public static class ImageNetWeights
{
    /// <summary>The NuGet package the weights come from.</summary>
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>The package version this library depends on and reads.</summary>
    public const string PackageVersion = "0.23.1";

    /// <summary>The folder, beside an application, that the package's build step copies its models into.</summary>
    public const string ModelFolder = "DnnImageModels";

    private static readonly Lazy<Imported> Cache = new(Import, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>The folder holding the package's two ONNX files, or null when they are not found (see <see cref="IsAvailable"/>).</summary>
    public static string? ModelDirectory => ImageNetWeightsFiles.Find();

    /// <summary>
    /// Whether the package's files are on this machine: in <c>DnnImageModels/</c> beside the application, or
    /// in the NuGet global packages folder. Nothing is downloaded at run time.
    /// </summary>
    public static bool IsAvailable => ModelDirectory is not null;

    /// <summary>
    /// The input preparation the weights were trained with, from <c>ResNetPreprocess.onnx</c>: RGB pixel values
    /// 0–255 minus the package's 224×224 mean image (channel means R 123.2, G 115.9, B 103.1), resized to the
    /// image's size when it is not 224×224, divided by 255 × (0.229, 0.224, 0.225) (the scale the first
    /// convolution's weights were multiplied by). Put it last among the geometric transforms (in place of
    /// <c>NormalizeImageNet</c>); the trainers do so when they start from these weights.
    /// </summary>
    /// <exception cref="FileNotFoundException">The package's files are not found.</exception>
    /// <exception cref="InvalidDataException">The files are not what this library maps (see <see cref="Conventions"/>).</exception>
    public static MeanImageNormalizeTransform ResNet18Preprocessing => Cache.Value.Preprocessing;

    /// <summary>
    /// What the package's network and preprocessing do differently from torchvision's ResNet-18 and how the
    /// import handles it (channel order, input scale, padding, pooling, BatchNorm), one sentence each.
    /// </summary>
    /// <exception cref="FileNotFoundException">The package's files are not found.</exception>
    public static IReadOnlyList<string> Conventions => Cache.Value.Conventions;

    /// <summary>
    /// A new <see cref="Architecture.ResNet18Cntk"/> (torchvision's ResNet-18 with a third block in layer4, as the
    /// package's network) with the ImageNet weights in every layer but the classifier, which is new (PyTorch's
    /// default initialisation from libtorch's generator) with <paramref name="numClasses"/> outputs. The network
    /// is in training mode, on the CPU.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> is below 1.</exception>
    /// <exception cref="FileNotFoundException">The package's files are not found.</exception>
    /// <exception cref="InvalidDataException">The files are not what this library maps.</exception>
    public static ImageNetResNet ResNet18(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        var network = (ImageNetResNet)Backbones.Create(Architecture.ResNet18Cntk, numClasses);
        try
        {
            LoadBackbone(network);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the ImageNet weights into every layer of <paramref name="network"/> but its classifier, which
    /// keeps its values. The network must be a <see cref="Architecture.ResNet18Cntk"/> (its state-dict names and
    /// shapes are checked first; on error it is unchanged).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="network"/> is not a ResNet18Cntk.</exception>
    /// <exception cref="FileNotFoundException">The package's files are not found.</exception>
    internal static void LoadBackbone(Backbone network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var imported = Cache.Value;
        using var scope = NewDisposeScope();
        var state = new Dictionary<string, Tensor>();
        foreach (var value in imported.Weights.State)
        {
            state[value.Name] = tensor(value.Values, value.Shape);
        }

        StateDictLoadResult result;
        try
        {
            result = network.LoadStateDict(state, strict: false);
        }
        catch (InvalidOperationException e)
        {
            throw Misfit(network, e.Message, e);
        }

        var head = network.ClassifierName + ".";
        var missing = result.MissingKeys.Where(k => !k.StartsWith(head, StringComparison.Ordinal)).ToList();
        if (missing.Count > 0 || result.UnexpectedKeys.Count > 0)
        {
            throw Misfit(network, $"missing keys: {string.Join(", ", missing.DefaultIfEmpty("none"))}; unexpected keys: {string.Join(", ", result.UnexpectedKeys.DefaultIfEmpty("none"))}", null);
        }
    }

    private static ArgumentException Misfit(Backbone network, string details, Exception? inner) =>
        new($"The ImageNet weights of {PackageId} are its ResNet-18 with [2, 2, 2, 3] blocks (Architecture.ResNet18Cntk) and do not fit this {network.GetType().Name} ({details}).", inner);

    private static Imported Import()
    {
        var folder = ImageNetWeightsFiles.Require();
        var preprocessing = CntkPreprocessingGraph.Map(OnnxWeightsReader.Read(Path.Combine(folder, ImageNetWeightsFiles.PreprocessingFile)));
        var weights = CntkResNetGraph.Map(OnnxWeightsReader.Read(Path.Combine(folder, ImageNetWeightsFiles.NetworkFile)));
        if (!weights.BlocksPerStage.SequenceEqual([2, 2, 2, 3]))
        {
            throw new InvalidDataException($"'{Path.Combine(folder, ImageNetWeightsFiles.NetworkFile)}' is a ResNet with [{string.Join(", ", weights.BlocksPerStage)}] blocks per stage; {PackageId} {PackageVersion} has [2, 2, 2, 3] (Architecture.ResNet18Cntk).");
        }

        var state = weights.State.Select(s => s.Name == "conv1.weight" ? s with { Values = ReorderAndScaleInputChannels(s, preprocessing.ChannelSource, InputStd) } : s).ToList();
        var mean = new MeanImageNormalizeTransform(preprocessing.MeanImageInImageOrder(), preprocessing.ChannelSource.Length, preprocessing.Height, preprocessing.Width, InputStd);
        string[] scaling =
        [
            "Input scale for fine-tuning: the package's network reads values of about ±128; here the input is divided by 255 × torchvision's ImageNet std (58.4, 57.1, 57.4 for R, G, B) " +
            "and the first convolution's weights are multiplied by the same, so the network computes the same features from inputs of unit scale. Unscaled, SGD moves conv1 about 3,300 (≈ 57²) times faster " +
            "relative to its weights than in a torchvision-normalised network, and fine-tuning diverged at lr 0.01.",
        ];
        return new Imported(weights with { State = state }, mean, [.. preprocessing.Conventions, .. scaling, .. weights.Conventions]);
    }

    /// <summary>
    /// The divisor of each input channel, on the 0–255 scale: 255 × torchvision's ImageNet std, so the network's input has the
    /// scale of a torchvision-normalised image (see <see cref="Conventions"/>).
    /// </summary>
    private static readonly float[] InputStd = [.. NormalizeTransform.ImageNet.Std.Select(s => 255f * s)];

    /// <summary>The first convolution's weights <c>[O, I, kH, kW]</c> for image channels divided by <paramref name="std"/>: W'[:, source[j]] = W[:, j] · std[source[j]].</summary>
    private static float[] ReorderAndScaleInputChannels(OnnxInitializer weight, int[] source, float[] std)
    {
        var (outputs, inputs, kernel) = ((int)weight.Shape[0], (int)weight.Shape[1], (int)(weight.Shape[2] * weight.Shape[3]));
        if (inputs != source.Length)
        {
            throw new InvalidDataException($"The first convolution reads {inputs} channels but the preprocessing makes {source.Length}.");
        }

        var result = new float[weight.Values.Length];
        for (var o = 0; o < outputs; o++)
        {
            for (var j = 0; j < inputs; j++)
            {
                var (from, to) = (((o * inputs) + j) * kernel, ((o * inputs) + source[j]) * kernel);
                for (var k = 0; k < kernel; k++)
                {
                    result[to + k] = weight.Values[from + k] * std[source[j]];
                }
            }
        }

        return result;
    }

    private sealed record Imported(MappedWeights Weights, MeanImageNormalizeTransform Preprocessing, IReadOnlyList<string> Conventions);
}
