using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Microsoft.ML.CamLoss.Samples;

/// <summary>
/// The samples' command lines: <c>--name value</c> pairs and bare <c>--flag</c>s, checked against the names a sample
/// knows, with typed getters that fall back to the sample's default. Bad input is one <see cref="ArgumentException"/>
/// line that the sample prints with its usage.
/// </summary>
internal sealed class SampleArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private SampleArguments()
    {
    }

    /// <summary>Reads <paramref name="args"/>; <paramref name="options"/> take a value, <paramref name="flags"/> do not.</summary>
    /// <exception cref="ArgumentException">An unknown name, a bare word, or an option without its value.</exception>
    public static SampleArguments Parse(string[] args, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        var parsed = new SampleArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (flags.Contains(name))
            {
                parsed._flags.Add(name);
            }
            else if (!options.Contains(name))
            {
                throw new ArgumentException($"unknown option '{name}'; the options are {string.Join(", ", options.Concat(flags))}.");
            }
            else if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"{name} needs a value.");
            }
            else
            {
                parsed._values[name] = args[++i];
            }
        }

        return parsed;
    }

    /// <summary>Reads the settings with <paramref name="parse"/>; on bad input prints the one-line error and <paramref name="usage"/> and returns false.</summary>
    public static bool TryRead<T>(string[] args, Func<string[], T> parse, string usage, [NotNullWhen(true)] out T? settings)
        where T : class
    {
        try
        {
            settings = parse(args);
            return true;
        }
        catch (ArgumentException e)
        {
            settings = null;
            Fail(e.Message, usage);
            return false;
        }
    }

    /// <summary>Prints <c>error: message</c> and <paramref name="usage"/> to standard error and returns the exit code 2.</summary>
    public static int Fail(string message, string usage)
    {
        Console.Error.WriteLine($"error: {message}\n{usage}");
        return 2;
    }

    /// <summary>True when the flag was given.</summary>
    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The option's text, or <paramref name="fallback"/>.</summary>
    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    /// <summary>The option's text, or null.</summary>
    public string? OptionalText(string name) => _values.GetValueOrDefault(name);

    /// <summary>The option as a whole number of at least <paramref name="minimum"/>, or <paramref name="fallback"/>.</summary>
    public int Int(string name, int fallback, int minimum = 1) => OptionalInt(name, minimum) ?? fallback;

    /// <summary>The option as a whole number of at least <paramref name="minimum"/>, or null.</summary>
    public int? OptionalInt(string name, int minimum = 1)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new ArgumentException($"{name} must be a whole number ≥ {minimum}, not '{text}'.");
    }

    /// <summary>The option as a positive number, or <paramref name="fallback"/>.</summary>
    public double Double(string name, double fallback)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a positive number, not '{text}'.");
    }

    /// <summary>The option as a member of <typeparamref name="TEnum"/> (any case), or <paramref name="fallback"/>.</summary>
    public TEnum Enum<TEnum>(string name, TEnum fallback)
        where TEnum : struct, System.Enum
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _)
            ? value
            : throw new ArgumentException($"{name} must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}, not '{text}'.");
    }
}
