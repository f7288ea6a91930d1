using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Samples.QuickStart;

/// <summary>Prints one line per finished epoch, on the training thread (so lines never interleave with the caller's).</summary>
internal sealed class ConsoleProgress(string name) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.IsEpochEnd)
        {
            Console.WriteLine($"  [{name}] {value} ({value.Elapsed.TotalSeconds:F0} s)");
        }
    }
}
