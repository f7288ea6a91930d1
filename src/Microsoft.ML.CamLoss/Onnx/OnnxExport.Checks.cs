using Microsoft.ML.CamLoss.Scoring;
namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>The checks of the export's arguments, made before anything is built: what would give a graph ONNX Runtime or ML.NET refuses is refused here, in one line.</summary>
public static partial class OnnxExport
{
    private static void CheckOptions(OnnxExportOptions options)
    {
        if ((options.Maps & ~(OnnxMaps.Cam | OnnxMaps.Caam | OnnxMaps.Cams)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Maps, "OnnxExportOptions.Maps holds an unknown map.");
        }

        if (!Enum.IsDefined(options.MapResolution))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MapResolution, "OnnxExportOptions.MapResolution is not a MapResolution.");
        }

        if (options.InputSize is { } size && (size.Height < 1 || size.Width < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), size, "OnnxExportOptions.InputSize must be at least 1 × 1.");
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (role, name) in OutputNames(options))
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException($"The {role} name is empty; give it a name in OnnxExportOptions.", nameof(options));
            }

            if (name.StartsWith(OnnxNames.MLNetPrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The {role} name '{name}' starts with '{OnnxNames.MLNetPrefix}', which ML.NET reserves for its own nodes; choose another name.", nameof(options));
            }

            if (!seen.TryAdd(name, role))
            {
                throw new ArgumentException($"The {seen[name]} and the {role} are both named '{name}'; an ONNX graph needs distinct names. Rename one in OnnxExportOptions.", nameof(options));
            }
        }
    }

    private static void CheckClassNames(IReadOnlyList<string> classNames, long classes)
    {
        if (classNames.Count != classes)
        {
            throw new ArgumentException($"The network predicts {classes} classes but {classNames.Count} class names were given.", nameof(classNames));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < classNames.Count; i++)
        {
            if (classNames[i] is null)
            {
                throw new ArgumentException($"Class name {i} is null.", nameof(classNames));
            }

            if (!seen.Add(classNames[i]))
            {
                throw new ArgumentException($"The class name '{classNames[i]}' appears twice; ML.NET's slot names and the ONNX label map need distinct names.", nameof(classNames));
            }
        }
    }
}
