using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// The records of a run's <c>training.jsonl</c>, cleaned up for plotting: a resumed run appends
/// to the file, so an (epoch, step) can appear more than once; the last line written for it wins.
/// Records are ordered by (epoch, step). Lines that are not JSON objects with an epoch and a step
/// (a line cut short when the process was killed) are skipped and listed in <see cref="Problems"/>.
/// </summary>
internal sealed class RunHistory
{
    private RunHistory(IReadOnlyList<RunRecord> records, IReadOnlyList<string> problems, int lines)
    {
        Records = records;
        Problems = problems;
        Lines = lines;
        Epochs = [.. records.Where(r => r.IsEpochEnd)];
    }

    /// <summary>Every kept record, step and epoch reports, by (epoch, step).</summary>
    public IReadOnlyList<RunRecord> Records { get; }

    /// <summary>The epoch-end records, by epoch.</summary>
    public IReadOnlyList<RunRecord> Epochs { get; }

    /// <summary>Lines that could not be read, as <c>line N: why</c>.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Non-empty lines in the file.</summary>
    public int Lines { get; }

    /// <summary>Reads <paramref name="path"/> (which may still be being appended to).</summary>
    public static RunHistory Load(string path)
    {
        var latest = new Dictionary<(int Epoch, int Step), RunRecord>();
        var problems = new List<string>();
        var lines = 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            lines++;
            RunRecord? record;
            try
            {
                record = JsonNode.Parse(line) is JsonObject json ? RunRecord.FromJson(json) : null;
            }
            catch (JsonException)
            {
                record = null;
            }

            if (record is null)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"line {number} is not a progress record (cut short or not JSON); skipped"));
                continue;
            }

            latest[(record.Epoch, record.Step)] = record;
        }

        var records = latest.OrderBy(p => p.Key.Epoch).ThenBy(p => p.Key.Step).Select(p => p.Value).ToArray();
        return new RunHistory(records, problems, lines);
    }
}
