namespace Microsoft.ML.CamLoss.Engine;

/// <summary>
/// Whether the process may start the threads a training run needs. Under a low limit on processes and threads (a
/// container's pids limit, <c>ulimit -u</c>) libtorch's intra-op pool cannot start its threads and waits for them
/// forever, and a loader worker fails with a bare <see cref="OutOfMemoryException"/>; so the run checks first, by
/// starting that many idle threads at once, and stops with one line when they do not all start.
/// </summary>
internal static class ThreadHeadroom
{
    /// <summary>Throws unless <paramref name="needed"/> more threads can run at once in this process.</summary>
    /// <param name="needed">The extra threads: intra-op threads beyond the caller's own, plus loader workers.</param>
    /// <param name="what">What needs them, for the message (e.g. "Threads = 8 and DataLoaderWorkers = 4").</param>
    /// <exception cref="InvalidOperationException">Fewer threads could be started.</exception>
    public static void Require(int needed, string what)
    {
        if (needed <= 0)
        {
            return;
        }

        using var release = new ManualResetEventSlim();
        var started = new List<Thread>(needed);
        try
        {
            for (var i = 0; i < needed; i++)
            {
                var thread = new Thread(() => release.Wait(), maxStackSize: 64 * 1024) { IsBackground = true, Name = "camloss thread probe" };
                thread.Start();
                started.Add(thread);
            }
        }
        catch (OutOfMemoryException)
        {
            // Thread.Start reports a refused pthread_create as OutOfMemoryException.
        }
        finally
        {
            release.Set();
            foreach (var thread in started)
            {
                thread.Join();
            }
        }

        if (started.Count < needed)
        {
            throw new InvalidOperationException(
                $"This process could start only {started.Count} of the {needed} extra threads that {what} need (a limit on processes and threads: ulimit -u, or a container's pids limit). " +
                "Lower Threads or DataLoaderWorkers (--threads, --workers), or raise the limit.");
        }
    }

    /// <summary>What <see cref="Thread.Start()"/> throws when the system refuses a thread, as the message a user reads.</summary>
    public static InvalidOperationException CannotStart(string what, OutOfMemoryException e) =>
        new($"Could not start {what}: the system refused a new thread (a limit on processes and threads: ulimit -u, or a container's pids limit). Lower DataLoaderWorkers (--workers), or raise the limit.", e);
}
