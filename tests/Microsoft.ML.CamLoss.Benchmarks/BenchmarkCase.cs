using System.Diagnostics;
using System.Globalization;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// One comparison of up to three sides timed the same way (median, or mean, ms of <see cref="Steps"/>
/// steps after <see cref="Warmup"/>): ours (the library's layers), the same model written as a plain
/// TorchSharp loop (what the engine costs without our layers; not every case has one), and the
/// PyTorch twin script. Each round runs ours, then plain TorchSharp, then PyTorch, so that machine
/// noise hits all sides alike; the figure of a side is the median over rounds.
/// </summary>
internal abstract class BenchmarkCase(string name, int warmup, int steps, int rounds)
{
    public string Name { get; } = name;

    public int Warmup { get; } = warmup;

    public int Steps { get; } = steps;

    public int Rounds { get; } = rounds;

    /// <summary>What "ours" is in the report line; default <c>ours</c> (the library's layers on TorchSharp).</summary>
    protected virtual string OursLabel => "ours";

    /// <summary>What the plain side is in the report line; default <c>plain TorchSharp</c>.</summary>
    protected virtual string PlainLabel => "plain TorchSharp";

    /// <summary>Images one step processes, to report images/s as well; default 0 (ms/step only).</summary>
    protected virtual int ImagesPerStep => 0;

    /// <summary>Arguments for the twin script (after its path), without threads/warmup/steps.</summary>
    protected abstract string TwinArguments { get; }

    /// <summary>The twin script's file name under Twins/.</summary>
    protected abstract string TwinScript { get; }

    /// <summary>
    /// How a run's step times become one figure: the median (default), or the mean where steps are
    /// bimodal, as a prefetching loader's are (a batch is either ready or waited for).
    /// </summary>
    protected virtual bool UseMean => false;

    /// <summary>Prepares one run of our side and returns the step to time; disposing it releases the run's state.</summary>
    protected abstract IStepRunner CreateRunner();

    /// <summary>Prepares one run of the plain TorchSharp loop, or null where the case has none.</summary>
    protected virtual IStepRunner? CreatePlainRunner() => null;

    /// <summary>Runs the rounds and prints one line: each side's ms/step and our throughput relative to the others.</summary>
    public void Report(int threads)
    {
        var ours = new List<double>();
        var plain = new List<double>();
        var theirs = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            ours.Add(Time(CreateRunner()));
            if (CreatePlainRunner() is { } plainRunner)
            {
                plain.Add(Time(plainRunner));
            }

            theirs.Add(RunPyTorch(threads));
        }

        var (o, t) = (Twin.Median(ours), Twin.Median(theirs));
        var line = plain.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Name}: C# {o:F3} ms/step, PyTorch {t:F3} ms/step, C# throughput = {t / o:F3} x PyTorch's")
            : Line(o, Twin.Median(plain), t);
        Console.WriteLine(line);
    }

    /// <summary>
    /// "name: ours o ms/step, plain TorchSharp p ms/step, PyTorch t ms/step; our throughput = t/o x PyTorch's, p/o x plain TorchSharp's"
    /// (with the case's labels, and images/s after each time when the case counts images).
    /// </summary>
    private string Line(double ours, double plain, double pyTorch)
    {
        string Time(double ms) => ImagesPerStep > 0 ? string.Create(CultureInfo.InvariantCulture, $"{ms:F3} ms/step ({ImagesPerStep * 1000 / ms:F0} images/s)") : string.Create(CultureInfo.InvariantCulture, $"{ms:F3} ms/step");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Name}: {OursLabel} {Time(ours)}, {PlainLabel} {Time(plain)}, PyTorch {Time(pyTorch)}; " +
            $"{(OursLabel == "ours" ? "our" : OursLabel)} throughput = {pyTorch / ours:F3} x PyTorch's, {plain / ours:F3} x {PlainLabel}'s");
    }

    private double Time(IStepRunner created)
    {
        using var runner = created;
        for (var i = 0; i < Warmup; i++)
        {
            runner.Step();
        }

        var times = new List<double>(Steps);
        for (var i = 0; i < Steps; i++)
        {
            var start = Stopwatch.GetTimestamp();
            runner.Step();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return UseMean ? times.Average() : Twin.Median(times);
    }

    private double RunPyTorch(int threads) =>
        Twin.RunPython(TwinScript, $"{TwinArguments} --threads {threads} --warmup {Warmup} --steps {Steps}")
            .GetProperty(UseMean ? "mean_ms" : "median_ms").GetDouble();
}

/// <summary>A prepared step.</summary>
internal interface IStepRunner : IDisposable
{
    /// <summary>Runs one step (synchronously: the result is materialised).</summary>
    void Step();
}
