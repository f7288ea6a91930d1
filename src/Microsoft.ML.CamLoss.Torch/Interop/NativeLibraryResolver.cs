using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>
/// Loads the native shim on first use: turns a missing library into an error that says what to
/// install, and applies process-wide defaults (intra-op threads = the machine's cores, since
/// Debian's libtorch otherwise starts with one thread).
/// </summary>
internal static class NativeLibraryResolver
{
    // The runtime asks the resolver again as each P/Invoke entry point first binds, so the handle
    // is kept and the defaults applied once: applying them per call would undo a thread count the
    // user set before some entry point was first used.
    private static IntPtr s_library;

    // A library must register its resolver before its first P/Invoke; a module initializer is
    // the only hook that runs early enough without asking every caller to remember a call.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeLibraryName.Value)
        {
            return IntPtr.Zero;
        }

        var loaded = Volatile.Read(ref s_library);
        if (loaded != IntPtr.Zero)
        {
            return loaded;
        }

        IntPtr handle;
        try
        {
            handle = NativeLibrary.Load(name, assembly, searchPath);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"The native shim lib{name}.so could not be loaded ({e.Message}). It is built by 'dotnet build' " +
                "and needs libtorch and OpenCV at run time: on Debian run 'sudo build/setup.sh' (installs " +
                "libtorch-dev and OpenCV), then rebuild.", e);
        }

        if (Interlocked.CompareExchange(ref s_library, handle, IntPtr.Zero) == IntPtr.Zero)
        {
            ApplyDefaults(handle);
        }

        return handle;
    }

    private static unsafe void ApplyDefaults(IntPtr library)
    {
        var setThreads = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(library, "camloss_set_num_threads");
        setThreads(Environment.ProcessorCount);
    }
}
