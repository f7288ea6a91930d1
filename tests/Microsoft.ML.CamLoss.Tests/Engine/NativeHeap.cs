using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>glibc's heap statistics (<c>mallinfo2</c>, glibc ≥ 2.33): what native code has allocated and not freed.</summary>
internal static partial class NativeHeap
{
    /// <summary>Whether <c>mallinfo2</c> can be called (Linux with glibc 2.33 or later).</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>Bytes in use: small blocks in every arena (<c>uordblks</c>) plus blocks served by mmap (<c>hblkhd</c>).</summary>
    public static long BytesInUse()
    {
        var info = MallInfo2();
        return (long)(info.Uordblks + info.Hblkhd);
    }

    private static bool Probe()
    {
        try
        {
            _ = MallInfo2();
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallInfo MallInfo2();

    /// <summary><c>struct mallinfo2</c>: ten <c>size_t</c> fields.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }
}
