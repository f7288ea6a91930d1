using Microsoft.ML.CamLoss.Cli.Data;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Pipelines;
using Microsoft.ML.CamLoss.Training;
using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>A model a <see cref="TrainingSession"/> trained and saved, and where it came from; disposing it disposes the model and releases the run folder.</summary>
/// <param name="Model">The model (the caller disposes it).</param>
/// <param name="Context">The seeded context it was trained in.</param>
/// <param name="Source">The data set.</param>
/// <param name="LoaderOptions">How its images were read.</param>
/// <param name="TrainCount">Training images the network saw (those --skip-invalid-images left out are not counted).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Folder">The run folder.</param>
/// <param name="Output">The model file written.</param>
/// <param name="Console">Where to write results.</param>
/// <param name="Hold">The run folder's lock, held until the command has written everything.</param>
/// <param name="TrainSkips">The training images <c>--skip-invalid-images</c> left out (listing and training).</param>
/// <param name="TrainImageSize">The size the training images share, or null when they differ (<see cref="MLNetModelFile.CommonSize"/>).</param>
internal sealed record TrainedRun(
    ImageClassificationModel Model, CamLossContext Context, DataSource Source, ImageDatasetOptions LoaderOptions, int TrainCount, int Seed, RunFolder Folder, string Output, IAnsiConsole Console,
    RunFolderLock Hold, SkipReport TrainSkips, (int Height, int Width)? TrainImageSize) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Model.Dispose();
        Hold.Dispose();
    }
}
