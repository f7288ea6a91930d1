namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>The three disjoint groups of classes a few-shot benchmark splits a data set into.</summary>
public enum FewShotClassPart
{
    /// <summary>Classes the backbone is trained on (all their images).</summary>
    Base,

    /// <summary>Classes kept aside to choose settings with episodes, without touching the novel classes.</summary>
    Validation,

    /// <summary>Classes the episodes test on: never seen in training.</summary>
    Novel,
}
