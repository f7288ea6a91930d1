using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>What <see cref="FewShotEvaluator.Evaluate"/> found: one <see cref="FewShotResult"/> per K, and the settings that fix the episodes.</summary>
/// <param name="Results">One result per K, in the order of <see cref="FewShotOptions.Shots"/>.</param>
/// <param name="Seed">The seed of the episodes and of the fits.</param>
/// <param name="Scale">The scale of the episodes' cosine classifiers.</param>
/// <param name="Classes">The classes episodes were drawn from (the novel classes).</param>
/// <param name="Images">Images whose features were used.</param>
/// <param name="FeatureChannels">K of the features (the backbone's last channels).</param>
public sealed record FewShotEvaluation(IReadOnlyList<FewShotResult> Results, ulong Seed, double Scale, IReadOnlyList<string> Classes, int Images, long FeatureChannels)
{
    /// <summary>The result of K = <paramref name="shot"/>.</summary>
    /// <exception cref="KeyNotFoundException">That K was not evaluated.</exception>
    public FewShotResult this[int shot] =>
        Results.FirstOrDefault(r => r.Shot == shot) ?? throw new KeyNotFoundException($"{shot}-shot episodes were not evaluated (evaluated: {string.Join(", ", Results.Select(r => r.Shot))}).");

    /// <summary>
    /// As JSON: <c>{"seed", "scale", "classes", "images", "featureChannels", "results": [{"way", "shot", "queries",
    /// "episodes", "accuracy", "interval95", "episodeAccuracies"}]}</c> (accuracies as fractions).
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["seed"] = Seed,
        ["scale"] = Scale,
        ["classes"] = new JsonArray([.. Classes.Select(c => JsonValue.Create(c))]),
        ["images"] = Images,
        ["featureChannels"] = FeatureChannels,
        ["results"] = new JsonArray([.. Results.Select(r => (JsonNode)new JsonObject
        {
            ["way"] = r.Way,
            ["shot"] = r.Shot,
            ["queries"] = r.Queries,
            ["episodes"] = r.EpisodeAccuracies.Count,
            ["accuracy"] = r.Accuracy.Mean,
            ["interval95"] = r.Accuracy.HalfWidth,
            ["episodeAccuracies"] = new JsonArray([.. r.EpisodeAccuracies.Select(a => JsonValue.Create(a))]),
        })]),
    };
}
