using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>
/// Draws N-way K-shot episodes from a data set (normally the novel part of a <see cref="FewShotClassSplit"/>,
/// so episodes never see a base class): per episode, <c>N</c> distinct classes uniformly at random, then
/// <c>K + Q</c> distinct images of each, the first <c>K</c> as support and the other <c>Q</c> as queries.
/// Episode <c>e</c> draws from <c>SeededRandom.Derive(seed, e)</c> alone, so an episode does not depend on how
/// many episodes are drawn or in which order, and the K = 1 and K = 5 episodes of one number share their classes.
/// </summary>
public static class EpisodeSampler
{
    /// <summary>Draws episodes <c>0 … episodes − 1</c>.</summary>
    /// <param name="data">The data set (its classes are the candidates).</param>
    /// <param name="way">N, classes per episode (≥ 2).</param>
    /// <param name="shot">K, support images per class (≥ 1).</param>
    /// <param name="queries">Q, query images per class (≥ 1).</param>
    /// <param name="episodes">How many episodes (≥ 1).</param>
    /// <param name="seed">The seed.</param>
    /// <exception cref="ArgumentException">The data set has fewer than N classes, or a class has fewer than K + Q images (see <see cref="CheckFits"/>).</exception>
    public static FewShotEpisode[] Sample(ImageDataset data, int way, int shot, int queries, int episodes, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        CheckFits(data, way, shot, queries);
        var byClass = ImagesByClass(data);
        var episodesDrawn = new FewShotEpisode[episodes];
        for (var e = 0; e < episodes; e++)
        {
            episodesDrawn[e] = Draw(byClass, e, way, shot, queries, seed);
        }

        return episodesDrawn;
    }

    /// <summary>
    /// Throws unless every episode can be drawn: at least <paramref name="way"/> classes, and
    /// <paramref name="shot"/> + <paramref name="queries"/> images in every class (an episode may pick any class).
    /// The message names the data set, the classes short of images and their counts.
    /// </summary>
    /// <exception cref="ArgumentException">Not enough classes, or a class with too few images.</exception>
    public static void CheckFits(ImageDataset data, int way, int shot, int queries)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(way, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(shot, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queries, 1);
        var setting = $"{way}-way {shot}-shot episodes with {queries} queries";
        if (data.Classes.Count < way)
        {
            throw new ArgumentException(
                $"{setting} need at least {way} classes, but {data.Name} has {data.Classes.Count} ({Preview(data.Classes)}). Use fewer ways or more classes.", nameof(data));
        }

        var counts = data.CountPerClass();
        var need = shot + queries;
        var short_ = Enumerable.Range(0, counts.Length).Where(c => counts[c] < need).ToArray();
        if (short_.Length > 0)
        {
            var named = string.Join(", ", short_.Take(5).Select(c => $"'{data.Classes[c]}' has {counts[c]}"));
            throw new ArgumentException(
                $"{setting} need {need} images in every class ({shot} support + {queries} query), but in {data.Name} class {named}" +
                (short_.Length > 5 ? $" (and {short_.Length - 5} more classes are short)" : string.Empty) +
                ". Use fewer shots or queries, or leave such classes out.",
                nameof(data));
        }
    }

    private static FewShotEpisode Draw(int[][] byClass, int number, int way, int shot, int queries, ulong seed)
    {
        var random = SeededRandom.Derive(seed, (ulong)number);
        var classes = Enumerable.Range(0, byClass.Length).ToArray();
        random.Shuffle(classes.AsSpan());
        var support = new int[way * shot];
        var query = new int[way * queries];
        for (var i = 0; i < way; i++)
        {
            var images = (int[])byClass[classes[i]].Clone();
            random.Shuffle(images.AsSpan());
            images.AsSpan(0, shot).CopyTo(support.AsSpan(i * shot));
            images.AsSpan(shot, queries).CopyTo(query.AsSpan(i * queries));
        }

        return new FewShotEpisode(number, classes[..way], support, query);
    }

    private static int[][] ImagesByClass(ImageDataset data)
    {
        var lists = Enumerable.Range(0, data.Classes.Count).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < data.Count; i++)
        {
            lists[data[i].Label].Add(i);
        }

        return [.. lists.Select(l => l.ToArray())];
    }

    private static string Preview(IReadOnlyList<string> names) =>
        names.Count == 0 ? "none" : string.Join(", ", names.Take(5)) + (names.Count > 5 ? ", …" : string.Empty);
}
