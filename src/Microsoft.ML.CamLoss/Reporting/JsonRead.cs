using System.Globalization;
using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>Lenient reads of the run's JSON files: a missing or odd value reads as absent, never throws.</summary>
internal static class JsonRead
{
    /// <summary>
    /// A number: a JSON number, or a string holding one (the run log writes NaN and ±Infinity as
    /// the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>); otherwise null.
    /// </summary>
    public static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<double>(out var number))
        {
            return number;
        }

        return value.TryGetValue<string>(out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    /// <summary>A string value, or null.</summary>
    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The property named <paramref name="name"/>, matched exactly first and then ignoring case.</summary>
    public static JsonNode? Property(JsonObject? json, string name)
    {
        if (json is null)
        {
            return null;
        }

        if (json.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in json)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
