namespace Microsoft.ML.CamLoss.Data;

/// <summary>Which of CIFAR-100's two labels to use.</summary>
public enum Cifar100Labels
{
    /// <summary>The 100 fine classes (the usual benchmark).</summary>
    Fine = 0,

    /// <summary>The 20 coarse superclasses.</summary>
    Coarse = 1,
}
