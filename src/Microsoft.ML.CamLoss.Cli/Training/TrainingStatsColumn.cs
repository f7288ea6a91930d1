using System.Collections.Concurrent;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Microsoft.ML.CamLoss.Cli.Training;

/// <summary>A progress column showing a line of text per task (loss, accuracy, images/s, ETA), set as reports arrive.</summary>
internal sealed class TrainingStatsColumn : ProgressColumn
{
    private readonly ConcurrentDictionary<int, string> _text = new();

    /// <summary>Sets the text of task <paramref name="taskId"/>.</summary>
    public void Set(int taskId, string text) => _text[taskId] = text;

    /// <inheritdoc />
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(_text.GetValueOrDefault(task.Id, string.Empty));
}
