using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Microsoft.ML.CamLoss.Cli.Parsing;

/// <summary>Factories for the option shapes <c>camloss</c> uses, so every option reads its value and reports a bad one the same way.</summary>
internal static class CliOptions
{
    /// <summary>
    /// An enum option read by <see cref="EnumNames"/>: an unknown value is the parse error
    /// "unknown <paramref name="noun"/> 'x'; choose one of: …". Null when not given.
    /// </summary>
    public static Option<T?> Enum<T>(string name, string noun, string description, params string[] aliases)
        where T : struct, System.Enum => new(name, aliases)
        {
            Description = $"{description} One of: {EnumNames.List<T>()}.",
            HelpName = noun.Replace(' ', '-'),
            CustomParser = result => Parse<T>(result, noun),
        };

    /// <summary>A value option of type <typeparamref name="T"/>; null (unset) unless given.</summary>
    public static Option<T?> Value<T>(string name, string description, string? helpName = null, params string[] aliases)
        where T : struct, IParsable<T> => new(name, aliases)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseValue<T>(result, name),
        };

    /// <summary>A text option; null unless given.</summary>
    public static Option<string?> Text(string name, string description, string? helpName = null, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = helpName };

    /// <summary>A switch (false unless given).</summary>
    public static Option<bool> Flag(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description };

    private static T? ParseValue<T>(ArgumentResult result, string name)
        where T : struct, IParsable<T>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (T.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"{name} expects {(typeof(T) == typeof(int) ? "a whole number" : "a number")}; got '{text}'");
        return null;
    }

    private static T? Parse<T>(ArgumentResult result, string noun)
        where T : struct, System.Enum
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (EnumNames.TryParse<T>(text) is { } value)
        {
            return value;
        }

        result.AddError(EnumNames.UnknownMessage<T>(text, noun));
        return null;
    }
}
