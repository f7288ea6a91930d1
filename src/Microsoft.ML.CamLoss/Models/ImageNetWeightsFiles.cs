namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// Finds the model files of <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>: first where the package's
/// build step copies them, <c>DnnImageModels/</c> beside the application (<see cref="AppContext.BaseDirectory"/>);
/// then in the NuGet global packages folder (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>), where
/// restore put them. Nothing is downloaded.
/// </summary>
internal static class ImageNetWeightsFiles
{
    public const string NetworkFile = "ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessingFile = "ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>The folders searched, in order.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var folders = new List<string> { Path.Combine(AppContext.BaseDirectory, ImageNetWeights.ModelFolder) };
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            packages = string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".nuget", "packages");
        }

        if (packages is not null)
        {
            folders.Add(Path.Combine(packages, ImageNetWeights.PackageId.ToLowerInvariant(), ImageNetWeights.PackageVersion, "tools", ImageNetWeights.ModelFolder));
        }

        return folders;
    }

    /// <summary>The first folder holding both files, or null.</summary>
    public static string? Find() =>
        Candidates().FirstOrDefault(f => File.Exists(Path.Combine(f, NetworkFile)) && File.Exists(Path.Combine(f, PreprocessingFile)));

    /// <summary>The folder holding both files.</summary>
    /// <exception cref="FileNotFoundException">Neither place has them; the message says where it looked and what to do.</exception>
    public static string Require() =>
        Find() ?? throw new FileNotFoundException(
            $"The ImageNet weights ({NetworkFile} and {PreprocessingFile} of the NuGet package {ImageNetWeights.PackageId} {ImageNetWeights.PackageVersion}) were not found in " +
            $"{string.Join(" or ", Candidates())}. They come with Microsoft.ML.CamLoss as a package dependency: restore and build the application " +
            "(the files are copied to its output's DnnImageModels/ folder, unless CamLossImageNetWeights is false). To train without them, set PretrainedWeights = PretrainedWeights.None " +
            "(camloss: --weights none) or name a weights file.",
            Path.Combine(Candidates()[0], NetworkFile));
}
