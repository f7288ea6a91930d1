using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Explain;

/// <summary>Which images of a data set a gallery shows: seeded, and spread over the classes.</summary>
internal static class GallerySelection
{
    /// <summary>
    /// Up to <paramref name="count"/> sample indices: each class's samples are shuffled (seeded by
    /// <paramref name="seed"/> and the class), the classes are put in a seeded order, and the
    /// classes take turns giving their next image, so every class shows once before any shows
    /// twice. Same data, count and seed, same picks; all samples when there are fewer than
    /// <paramref name="count"/>.
    /// </summary>
    public static int[] Pick(ImageDataset data, int count, ulong seed)
    {
        var byClass = Enumerable.Range(0, data.Count)
            .GroupBy(i => data[i].Label)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var indices = g.ToArray();
                SeededRandom.Derive(seed, (ulong)g.Key).Shuffle(indices.AsSpan());
                return indices;
            })
            .ToArray();
        SeededRandom.Derive(seed, ulong.MaxValue).Shuffle(byClass.AsSpan());

        var picks = new List<int>(Math.Min(count, data.Count));
        for (var round = 0; picks.Count < count; round++)
        {
            var added = false;
            foreach (var indices in byClass)
            {
                if (round < indices.Length && picks.Count < count)
                {
                    picks.Add(indices[round]);
                    added = true;
                }
            }

            if (!added)
            {
                break;
            }
        }

        return [.. picks];
    }
}
