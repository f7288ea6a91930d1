using Microsoft.ML.CamLoss.Cli.Data;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Training;
using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>A model a <see cref="TrainingSession"/> trained and saved, and where it came from; disposing it disposes the model and releases the run folder.</summary>
/// <param name="Model">The model (the caller disposes it).</param>
/// <param name="Source">The data set.</param>
/// <param name="LoaderOptions">How its images were read.</param>
/// <param name="TrainCount">Training images the network saw (those --skip-invalid-images left out are not counted).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Folder">The run folder (its checkpoint holds the network, <c>ImageClassificationModel.FromCheckpoint</c>).</param>
/// <param name="Output">The <c>--output</c> path: the ML.NET model zip, when <paramref name="SavedMLNetModel"/>.</param>
/// <param name="SavedMLNetModel">Whether the ML.NET model was written (false: its preprocessing has no ML.NET form).</param>
/// <param name="Console">Where to write results.</param>
/// <param name="Hold">The run folder's lock, held until the command has written everything.</param>
/// <param name="TrainSkips">The training images <c>--skip-invalid-images</c> left out (listing and training).</param>
internal sealed record TrainedRun(
    ImageClassificationModel Model, DataSource Source, ImageDatasetOptions LoaderOptions, int TrainCount, int Seed, RunFolder Folder, string Output, bool SavedMLNetModel,
    IAnsiConsole Console, RunFolderLock Hold, SkipReport TrainSkips) : IDisposable
{
    /// <summary>What <c>camloss evaluate</c>, <c>predict</c> and <c>explain</c> take as <c>--model</c>: the ML.NET zip, else the run folder.</summary>
    public string ModelPath => SavedMLNetModel ? Output : Folder.Folder;

    /// <inheritdoc/>
    public void Dispose()
    {
        Model.Dispose();
        Hold.Dispose();
    }
}
