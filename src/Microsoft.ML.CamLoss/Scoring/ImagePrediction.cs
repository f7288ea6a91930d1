using Microsoft.ML.CamLoss.Explain;

namespace Microsoft.ML.CamLoss.Scoring;

/// <summary>The model's answer for one image.</summary>
public sealed class ImagePrediction
{
    internal ImagePrediction(string source, IReadOnlyList<string> classNames, float[] score, Heatmap? cam, Heatmap? caam, int camClass)
    {
        Source = source;
        ClassNames = classNames;
        Score = score;
        PredictedLabelIndex = ArgMax(score);
        Cam = cam;
        Caam = caam;
        CamClassIndex = camClass;
    }

    /// <summary>The image's file path or name.</summary>
    public string Source { get; }

    /// <summary>The model's classes, in score order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The most probable class.</summary>
    public string PredictedLabel => ClassNames[PredictedLabelIndex];

    /// <summary>Index of <see cref="PredictedLabel"/>.</summary>
    public int PredictedLabelIndex { get; }

    /// <summary>Softmax probability of every class (ML.NET's <c>Score</c> column).</summary>
    public float[] Score { get; }

    /// <summary>The CAM of <see cref="CamClassIndex"/> when requested, else null.</summary>
    public Heatmap? Cam { get; }

    /// <summary>The class-agnostic activation map when requested, else null.</summary>
    public Heatmap? Caam { get; }

    /// <summary>The class <see cref="Cam"/> belongs to (−1 without a CAM).</summary>
    public int CamClassIndex { get; }

    /// <summary>The <paramref name="k"/> most probable classes with their probabilities, most probable first.</summary>
    public IReadOnlyList<(string Label, float Probability)> Top(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return [.. Enumerable.Range(0, Score.Length).OrderByDescending(c => Score[c]).ThenBy(c => c).Take(k).Select(c => (ClassNames[c], Score[c]))];
    }

    /// <inheritdoc />
    public override string ToString() => $"{Source}: {PredictedLabel} ({Score[PredictedLabelIndex]:P1})";

    private static int ArgMax(float[] score)
    {
        var best = 0;
        for (var c = 1; c < score.Length; c++)
        {
            if (score[c] > score[best])
            {
                best = c;
            }
        }

        return best;
    }
}
