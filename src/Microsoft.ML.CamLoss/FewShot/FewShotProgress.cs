namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>How far a few-shot evaluation is: reported after the features are extracted and after every batch of episodes.</summary>
/// <param name="Shot">The K being evaluated (0 while extracting features).</param>
/// <param name="EpisodesDone">Episodes of this K scored so far.</param>
/// <param name="Episodes">Episodes per K.</param>
/// <param name="Elapsed">Time since the evaluation started.</param>
public sealed record FewShotProgress(int Shot, int EpisodesDone, int Episodes, TimeSpan Elapsed);
