using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.CamLoss.Onnx;

/// <summary>Opening a graph: reading the bytes, starting the session, and checking that the graph is one camloss exported (its metadata, input and outputs).</summary>
public sealed partial class OnnxImageClassifier
{
    private (string Name, long[] Shape) ReadInput()
    {
        if (_session.InputMetadata.Count != 1)
        {
            throw Foreign($"it has {_session.InputMetadata.Count} inputs, not one image input");
        }

        var (name, input) = _session.InputMetadata.First();
        if (input.ElementType != typeof(float) || input.Dimensions.Length != 4 || input.Dimensions[1] < 1)
        {
            throw Foreign($"its input '{name}' is not float [N, C, H, W]");
        }

        return (name, [input.Dimensions[1], Math.Max(0, input.Dimensions[2]), Math.Max(0, input.Dimensions[3])]);
    }

    private void CheckOutputs()
    {
        foreach (var (role, name) in _outputs)
        {
            var elementType = role == OnnxNames.PredictedLabel ? typeof(string) : typeof(float);   // the class name, as a string tensor
            if (!_session.OutputMetadata.TryGetValue(name, out var output) || output.ElementType != elementType)
            {
                throw Foreign($"its metadata names the {role} output '{name}', which the graph lacks");
            }

            if (role is OnnxNames.Score or OnnxNames.Logits && (output.Dimensions.Length != 2 || output.Dimensions[1] != ClassNames.Count))
            {
                throw Foreign($"its {role} output is not [N, {ClassNames.Count}] for its {ClassNames.Count} classes");
            }
        }

        if (!_outputs.ContainsKey(OnnxNames.Score) || !_outputs.ContainsKey(OnnxNames.Logits))
        {
            throw Foreign("its metadata names no Score or Logits output");
        }
    }

    private string[] ReadClassNames(Dictionary<string, string> metadata)
    {
        try
        {
            var names = ReadJson(metadata, OnnxNames.ClassesKey).AsArray().Select(n => n!.GetValue<string>()).ToArray();
            return names.Length > 0 ? names : throw Foreign("it lists no classes");
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException)
        {
            throw Foreign($"its '{OnnxNames.ClassesKey}' metadata is not a list of names", e);
        }
    }

    private Dictionary<string, string> ReadOutputs(Dictionary<string, string> metadata)
    {
        try
        {
            return ReadJson(metadata, OnnxNames.OutputsKey).AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException)
        {
            throw Foreign($"its '{OnnxNames.OutputsKey}' metadata is not a map of output names", e);
        }
    }

    private JsonNode ReadJson(Dictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text))
        {
            throw Foreign($"it has no '{key}' metadata");
        }

        try
        {
            return JsonNode.Parse(text) ?? throw Foreign($"its '{key}' metadata is empty");
        }
        catch (JsonException e)
        {
            throw Foreign($"its '{key}' metadata is not JSON", e);
        }
    }

    private ModelFileException Foreign(string why, Exception? inner = null) =>
        new(Source, $"is an ONNX model but not an image classifier exported by camloss: {why}. Export one with 'camloss export' (or OnnxExport.Save).", inner);

    private static InferenceSession CreateSession(byte[] model, string source, OnnxImageClassifierOptions options)
    {
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.ConfigureSession?.Invoke(sessionOptions);
        try
        {
            return new InferenceSession(model, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException(source, $"is not a model ONNX Runtime can load (a truncated or damaged file, or not ONNX at all): {FirstLine(e)}.", e);
        }
    }

    private static byte[] ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFileException(path, "the file does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, $"the file cannot be read ({ModelFileException.Quote(e)}).", e);
        }
    }

    private static byte[] ReadStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
