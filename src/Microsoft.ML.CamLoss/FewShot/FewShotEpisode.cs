namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>
/// One N-way K-shot episode: <c>N</c> classes, <c>K</c> support and <c>Q</c> query images of each,
/// all distinct. Indices point into the data set the episode was sampled from; the episode's own
/// label of <c>Classes[i]</c> is <c>i</c>, and both lists are class-major (the support images of
/// episode class <c>i</c> are <c>Support[i·K .. i·K + K)</c>, its queries <c>Query[i·Q .. i·Q + Q)</c>).
/// </summary>
/// <param name="Number">The episode's number (0-based), which with the seed fixes its draw.</param>
/// <param name="Classes">The data set's class indices of the <c>N</c> classes, in episode-label order.</param>
/// <param name="Support">The <c>N·K</c> support images.</param>
/// <param name="Query">The <c>N·Q</c> query images.</param>
public sealed record FewShotEpisode(int Number, IReadOnlyList<int> Classes, IReadOnlyList<int> Support, IReadOnlyList<int> Query)
{
    /// <summary>N, the number of classes.</summary>
    public int Way => Classes.Count;

    /// <summary>K, support images per class.</summary>
    public int Shot => Support.Count / Classes.Count;

    /// <summary>Q, query images per class.</summary>
    public int Queries => Query.Count / Classes.Count;
}
