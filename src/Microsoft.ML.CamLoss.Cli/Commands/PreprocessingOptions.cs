using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Models;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>
/// The training preprocessing: <c>--image-size</c>, <c>--no-augment</c>, <c>--cutout</c>,
/// <c>--mixup</c>, <c>--cutmix</c>. Defaults by architecture: CIFAR networks resize to 32×32 and
/// train with a random 32×32 crop of the image padded by 4 and a horizontal flip; ImageNet networks
/// resize to 256×256 and train with a random 224×224 crop and a flip (scoring: the centre crop).
/// Images are always normalised with ImageNet's mean and std (as the pretrained checkpoints expect);
/// a run that starts from the library's ImageNet weights replaces that step with the weights' own mean image.
/// </summary>
internal sealed class PreprocessingOptions
{
    private readonly Option<int?> _imageSize = CliOptions.Value<int>(
        "--image-size", "Side of the square the network sees; default 32 for CIFAR networks, 224 for ImageNet ones (resized to 8/7 of it, then cropped).", "n");

    private readonly Option<bool> _noAugment = CliOptions.Flag(
        "--no-augment", "Train without random crops and flips (resize, and centre-crop for ImageNet networks, only).");

    private readonly Option<int?> _cutout = CliOptions.Value<int>("--cutout", "Also blank a random square of this side in each normalised training image (Cutout).", "n");

    private readonly Option<double?> _mixup = CliOptions.Value<double>("--mixup", "Mix each training batch with itself permuted, λ ~ Beta(α, α) (Mixup; camloss and ce only).", "alpha");

    private readonly Option<double?> _cutmix = CliOptions.Value<double>("--cutmix", "CutMix each training batch, λ ~ Beta(α, α) (camloss and ce only).", "alpha");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(System.CommandLine.Command command)
    {
        command.Options.Add(_imageSize);
        command.Options.Add(_noAugment);
        command.Options.Add(_cutout);
        command.Options.Add(_mixup);
        command.Options.Add(_cutmix);
    }

    /// <summary>The training preprocessing for <paramref name="architecture"/> (a grey-to-RGB step first for <paramref name="grayscale"/> data).</summary>
    public ImagePipeline Build(ParseResult parse, Architecture architecture, bool grayscale)
    {
        var size = parse.GetValue(_imageSize) ?? ArchitectureFamily.DefaultImageSize(architecture);
        if (size < 1)
        {
            throw new CliException($"--image-size must be at least 1; got {size}", ExitCodes.Usage);
        }

        var augment = !parse.GetValue(_noAugment);
        var chain = new ImagePipeline();
        if (grayscale)
        {
            chain = chain.GrayscaleToRgb();
        }

        if (ArchitectureFamily.IsCifar(architecture))
        {
            chain = chain.Resize(size, size);
            if (augment)
            {
                chain = chain.RandomCrop(size, padding: Math.Max(1, size / 8)).HorizontalFlip();
            }
        }
        else
        {
            var resize = (int)Math.Round(size * 256.0 / 224.0);
            chain = chain.Resize(resize, resize);
            chain = augment ? chain.RandomCrop(size).HorizontalFlip() : chain.CenterCrop(size);
        }

        chain = chain.NormalizeImageNet();
        if (parse.GetValue(_cutout) is { } cutout)
        {
            chain = chain.Cutout(cutout); // after normalising, so the patch is the mean colour (as the Cutout paper)
        }

        if (parse.GetValue(_mixup) is { } mixup)
        {
            chain = chain.Mixup(mixup);
        }

        if (parse.GetValue(_cutmix) is { } cutmix)
        {
            chain = chain.CutMix(cutmix);
        }

        return chain;
    }
}
