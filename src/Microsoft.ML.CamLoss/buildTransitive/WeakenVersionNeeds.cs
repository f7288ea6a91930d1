// MSBuild task (compiled by RoslynCodeTaskFactory, netstandard2.0) behind Microsoft.ML.CamLoss.targets.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so declares a need for GLIBCXX_3.4.32 (GCC 13) because of
// one symbol, std::ios_base_library_init(), that it never calls. Debian 12 and Ubuntu 22.04 ship
// GCC 12's libstdc++, so the dynamic loader refuses the library. Marking each version need that the
// build machine's libstdc++ does not define as weak (VER_FLG_WEAK in .gnu.version_r) makes the loader
// accept it; the symbol stays unbound because it is never called. Only the copy in the build or
// publish output is changed, by an atomic rename (never the NuGet cache, even when the output copy
// is a hard link to it), and only when the machine's libstdc++ lacks a version the file needs.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenVersionNeeds : Task
{
    private const uint VersionNeedSection = 0x6ffffffe;   // SHT_GNU_verneed
    private const uint VersionDefSection = 0x6ffffffd;    // SHT_GNU_verdef
    private const ushort WeakFlag = 0x2;                  // VER_FLG_WEAK

    /// <summary>The ELF files to fix (build or publish output copies).</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The needed library whose versions are checked, e.g. libstdc++.so.6.</summary>
    [Required]
    public string Library { get; set; } = "";

    /// <summary>Folders searched for the machine's copy of <see cref="Library"/>.</summary>
    [Required]
    public string[] SearchDirectories { get; set; } = Array.Empty<string>();

    public override bool Execute()
    {
        string? system = null;
        foreach (var directory in SearchDirectories)
        {
            var candidate = Path.Combine(directory, Library);
            if (File.Exists(candidate)) { system = candidate; break; }
        }

        if (system == null)
        {
            Log.LogMessage(MessageImportance.Low, "WeakenVersionNeeds: no {0} found; nothing to check.", Library);
            return true;
        }

        HashSet<string> defined;
        try { defined = DefinedVersions(File.ReadAllBytes(system)); }
        catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
        {
            Log.LogMessage(MessageImportance.Low, "WeakenVersionNeeds: cannot read {0} ({1}); nothing changed.", system, e.Message);
            return true;
        }

        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            try
            {
                var bytes = File.ReadAllBytes(path);
                var weakened = Weaken(bytes, Library, defined);
                if (weakened.Count == 0) continue;
                var temporary = path + ".weaken-" + Guid.NewGuid().ToString("N");
                File.Copy(path, temporary);                 // keeps the file mode
                using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.Write))
                {
                    stream.Write(bytes, 0, bytes.Length);
                }

                File.Delete(path);                          // unlinks a hard link; the NuGet cache keeps its bytes
                File.Move(temporary, path);
                Log.LogMessage(MessageImportance.Normal, "WeakenVersionNeeds: {0}: {1} not in {2}, marked weak.", path, string.Join(", ", weakened), system);
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogError("Microsoft.ML.CamLoss: cannot adapt {0} to this machine's {1} ({2}). TorchSharp will not load from this output.", path, Library, e.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>Sets VER_FLG_WEAK on each need of <paramref name="library"/> not in <paramref name="defined"/>; returns their names.</summary>
    private static List<string> Weaken(byte[] elf, string library, HashSet<string> defined)
    {
        var changed = new List<string>();
        foreach (var section in Sections(elf, VersionNeedSection))
        {
            var strings = StringTable(elf, section.Link);
            var need = section.Offset;
            for (var i = 0u; i < section.Info; i++)
            {
                var count = U16(elf, need + 2);
                var file = Text(elf, strings + U32(elf, need + 4));
                var aux = need + U32(elf, need + 8);
                for (var j = 0; j < count; j++)
                {
                    var name = Text(elf, strings + U32(elf, aux + 8));
                    var flags = U16(elf, aux + 4);
                    if (file == library && !defined.Contains(name) && (flags & WeakFlag) == 0)
                    {
                        var value = (ushort)(flags | WeakFlag);
                        elf[aux + 4] = (byte)value;
                        elf[aux + 5] = (byte)(value >> 8);
                        changed.Add(name);
                    }

                    aux += U32(elf, aux + 12);
                }

                need += U32(elf, need + 12);
            }
        }

        return changed;
    }

    /// <summary>The version names a shared library defines (.gnu.version_d).</summary>
    private static HashSet<string> DefinedVersions(byte[] elf)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in Sections(elf, VersionDefSection))
        {
            var strings = StringTable(elf, section.Link);
            var definition = section.Offset;
            for (var i = 0u; i < section.Info; i++)
            {
                var aux = definition + U32(elf, definition + 12);
                names.Add(Text(elf, strings + U32(elf, aux)));
                definition += U32(elf, definition + 16);
            }
        }

        return names;
    }

    private struct Section
    {
        public long Offset;
        public uint Link;
        public uint Info;
    }

    private static List<Section> Sections(byte[] elf, uint type)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }

        var table = (long)U64(elf, 0x28);
        var size = U16(elf, 0x3A);
        var count = U16(elf, 0x3C);
        var found = new List<Section>();
        for (var i = 0; i < count; i++)
        {
            var header = table + (long)i * size;
            if (U32(elf, header + 4) == type)
            {
                found.Add(new Section { Offset = (long)U64(elf, header + 24), Link = U32(elf, header + 40), Info = U32(elf, header + 44) });
            }
        }

        return found;
    }

    private static long StringTable(byte[] elf, uint sectionIndex)
    {
        var header = (long)U64(elf, 0x28) + (long)sectionIndex * U16(elf, 0x3A);
        return (long)U64(elf, header + 24);
    }

    private static string Text(byte[] elf, long offset)
    {
        Check(elf, offset, 1);
        var end = offset;
        while (end < elf.Length && elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)offset, (int)(end - offset));
    }

    private static ushort U16(byte[] elf, long offset) { Check(elf, offset, 2); return (ushort)(elf[offset] | elf[offset + 1] << 8); }

    private static uint U32(byte[] elf, long offset) { Check(elf, offset, 4); return (uint)(elf[offset] | elf[offset + 1] << 8 | elf[offset + 2] << 16 | elf[offset + 3] << 24); }

    private static ulong U64(byte[] elf, long offset) => U32(elf, offset) | (ulong)U32(elf, offset + 4) << 32;

    private static void Check(byte[] elf, long offset, int length)
    {
        if (offset < 0 || offset + length > elf.Length) throw new InvalidDataException("truncated ELF structure at offset " + offset);
    }
}
