using System.Globalization;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// A whitespace-separated list file such as CUB's <c>images.txt</c>, read with line numbers so
/// every error names the file and the line. Blank lines are ignored.
/// </summary>
internal sealed class ListFile
{
    private ListFile(string path, ListLine[] lines)
    {
        Path = path;
        Lines = lines;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The non-blank lines.</summary>
    public IReadOnlyList<ListLine> Lines { get; }

    /// <summary>Reads <paramref name="path"/>; a missing file raises a <see cref="DatasetException"/>.</summary>
    public static ListFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(path, "the list file does not exist.");
        }

        var lines = new List<ListLine>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(text))
            {
                lines.Add(new ListLine(path, number, text.Trim()));
            }
        }

        return new ListFile(path, [.. lines]);
    }

    /// <summary>
    /// The lines keyed by their first field, an integer id; a duplicate or non-integer id raises.
    /// Each value holds the remaining <paramref name="fields"/> fields (the last takes the rest of the line when <paramref name="lastTakesRest"/>).
    /// </summary>
    public Dictionary<int, (ListLine Line, string[] Fields)> ById(int fields, bool lastTakesRest = false)
    {
        var byId = new Dictionary<int, (ListLine, string[])>(Lines.Count);
        foreach (var line in Lines)
        {
            var parts = line.Split(fields + 1, lastTakesRest);
            var id = line.ParseInt(parts[0], "id");
            if (!byId.TryAdd(id, (line, parts[1..])))
            {
                throw line.Error($"the id {id} appears twice (first on line {byId[id].Item1.Number}).");
            }
        }

        return byId;
    }
}

/// <summary>One non-blank line of a <see cref="ListFile"/>.</summary>
internal readonly record struct ListLine(string File, int Number, string Text)
{
    /// <summary>An error at this line.</summary>
    public DatasetException Error(string problem) => new(File, problem, Number);

    /// <summary>Exactly <paramref name="count"/> whitespace-separated fields (the last may hold the rest of the line).</summary>
    public string[] Split(int count, bool lastTakesRest = false)
    {
        var parts = Text.Split((char[]?)null, lastTakesRest ? count : int.MaxValue, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != count)
        {
            throw Error($"expected {count} fields separated by spaces, found {parts.Length}: '{Text}'.");
        }

        return parts;
    }

    /// <summary>An integer field, or an error naming what it should be.</summary>
    public int ParseInt(string field, string what) =>
        int.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"the {what} '{field}' is not an integer.");

    /// <summary>A finite number field, or an error naming what it should be.</summary>
    public double ParseDouble(string field, string what) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Error($"the {what} '{field}' is not a number.");
}
