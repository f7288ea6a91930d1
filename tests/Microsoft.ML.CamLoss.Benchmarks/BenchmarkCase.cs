using System.Diagnostics;

namespace Microsoft.ML.CamLoss.Benchmarks;

/// <summary>
/// One comparison: a C# step and its PyTorch twin script, timed the same way (median or mean ms of
/// <see cref="Steps"/> steps after <see cref="Warmup"/>), alternated over rounds.
/// </summary>
internal abstract class BenchmarkCase(string name, int warmup, int steps, int rounds)
{
    public string Name { get; } = name;

    public int Warmup { get; } = warmup;

    public int Steps { get; } = steps;

    public int Rounds { get; } = rounds;

    /// <summary>Arguments for the twin script (after its path), without threads/warmup/steps.</summary>
    protected abstract string TwinArguments { get; }

    /// <summary>The twin script's file name under Twins/.</summary>
    protected abstract string TwinScript { get; }

    /// <summary>
    /// How a run's step times become one figure: the median (default), or the mean where steps are
    /// bimodal, as a prefetching loader's are (a batch is either ready or waited for).
    /// </summary>
    protected virtual bool UseMean => false;

    /// <summary>Prepares one C# run and returns the step to time; disposing it releases the run's state.</summary>
    protected abstract IStepRunner CreateRunner();

    /// <summary>Runs the rounds and prints "name: C# x ms, PyTorch y ms, ratio".</summary>
    public void Report(int threads)
    {
        var ours = new List<double>();
        var theirs = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            ours.Add(RunCSharp());
            theirs.Add(RunPyTorch(threads));
        }

        var (o, t) = (Median(ours), Median(theirs));
        Console.WriteLine($"{Name}: C# {o:F3} ms/step, PyTorch {t:F3} ms/step, C# throughput = {t / o:F3} x PyTorch's");
    }

    private double RunCSharp()
    {
        using var runner = CreateRunner();
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

        return UseMean ? times.Average() : Median(times);
    }

    private double RunPyTorch(int threads) =>
        Twin.RunPython(TwinScript, $"{TwinArguments} --threads {threads} --warmup {Warmup} --steps {Steps}")
            .GetProperty(UseMean ? "mean_ms" : "median_ms").GetDouble();

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}

/// <summary>A prepared C# step.</summary>
internal interface IStepRunner : IDisposable
{
    /// <summary>Runs one step (synchronously: the result is materialised).</summary>
    void Step();
}
