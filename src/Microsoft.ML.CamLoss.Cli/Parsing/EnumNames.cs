using System.Text.RegularExpressions;

namespace Microsoft.ML.CamLoss.Cli.Parsing;

/// <summary>
/// Enum values as the command line spells them: the member name in lower case (<c>resnet20</c>,
/// <c>wideresnet28x10</c>, <c>imagefolder</c>), matched ignoring case, <c>-</c> and <c>_</c>
/// (so <c>ResNet20</c>, <c>wide-resnet-28x10</c> work too); a <c>-</c> or <c>_</c> between two digits
/// reads as <c>x</c>, so torchvision's <c>resnext50_32x4d</c> and <c>wide_resnet28_10</c> work too.
/// Numbers are not accepted.
/// </summary>
internal static partial class EnumNames
{
    /// <summary>The command-line name of <paramref name="value"/>.</summary>
    public static string Of<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>Every value's command-line name, in declaration order, joined by ", ".</summary>
    public static string List<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Of));

    /// <summary>The value named <paramref name="text"/>, or null.</summary>
    public static T? TryParse<T>(string text)
        where T : struct, Enum
    {
        var key = Normalize(text);
        foreach (var value in Enum.GetValues<T>())
        {
            if (Normalize(value.ToString()) == key)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The value named <paramref name="text"/>, or a <see cref="CliException"/> "unknown <paramref name="noun"/> 'x'; choose one of: …".</summary>
    public static T Parse<T>(string text, string noun)
        where T : struct, Enum =>
        TryParse<T>(text) ?? throw new CliException(UnknownMessage<T>(text, noun), ExitCodes.Usage);

    /// <summary>The message for a name that is not a value of <typeparamref name="T"/>.</summary>
    public static string UnknownMessage<T>(string text, string noun)
        where T : struct, Enum => $"unknown {noun} '{text}'; choose one of: {List<T>()}";

    private static string Normalize(string text) =>
        new string([.. DigitSeparator().Replace(text, "x").Where(c => c is not ('-' or '_'))]).ToLowerInvariant();

    [GeneratedRegex(@"(?<=\d)[-_](?=\d)")]
    private static partial Regex DigitSeparator();
}
