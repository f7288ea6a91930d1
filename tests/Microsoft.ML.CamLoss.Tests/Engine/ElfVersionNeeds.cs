using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>
/// A small, read-only ELF64 (little-endian) reader for the GNU symbol-versioning sections: the version
/// needs of a shared library (<c>.gnu.version_r</c>, section type <c>SHT_GNU_verneed</c>) and the
/// versions a library defines (<c>.gnu.version_d</c>, <c>SHT_GNU_verdef</c>). Written for the tests,
/// independently of the build task that edits these sections, so that the two check each other.
/// </summary>
internal static class ElfVersionNeeds
{
    /// <summary>The <c>vna_flags</c> bit that lets the loader accept a missing version.</summary>
    public const ushort WeakFlag = 0x2;

    private const uint VerneedType = 0x6ffffffe;
    private const uint VerdefType = 0x6ffffffd;

    private static ReadOnlySpan<byte> ElfMagic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    /// <summary>Every version need (one per <c>Elf64_Vernaux</c>), in file order.</summary>
    public static IReadOnlyList<VersionNeed> Needs(byte[] elf)
    {
        var needs = new List<VersionNeed>();
        foreach (var section in Sections(elf, VerneedType))
        {
            var strings = StringTableOffset(elf, section.Link);
            var entry = section.Offset;
            for (var i = 0u; i < section.Info; i++)
            {
                // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
                var count = U16(elf, entry + 2);
                var file = Name(elf, strings, U32(elf, entry + 4));
                var aux = entry + U32(elf, entry + 8);
                for (var j = 0; j < count; j++)
                {
                    // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    needs.Add(new VersionNeed(file, Name(elf, strings, U32(elf, aux + 8)), U16(elf, aux + 4), aux + 4));
                    var nextAux = U32(elf, aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += nextAux;
                }

                var next = U32(elf, entry + 12);
                if (next == 0)
                {
                    break;
                }

                entry += next;
            }
        }

        return needs;
    }

    /// <summary>The version names a shared library defines (its <c>Elf64_Verdef</c> entries' first names).</summary>
    public static IReadOnlySet<string> Definitions(byte[] elf)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in Sections(elf, VerdefType))
        {
            var strings = StringTableOffset(elf, section.Link);
            var entry = section.Offset;
            for (var i = 0u; i < section.Info; i++)
            {
                // Elf64_Verdef: vd_version u16, vd_flags u16, vd_ndx u16, vd_cnt u16, vd_hash u32, vd_aux u32, vd_next u32;
                // the first Elf64_Verdaux (vda_name u32, vda_next u32) names the version.
                names.Add(Name(elf, strings, U32(elf, entry + U32(elf, entry + 12))));
                var next = U32(elf, entry + 16);
                if (next == 0)
                {
                    break;
                }

                entry += next;
            }
        }

        return names;
    }

    private static IEnumerable<(long Offset, uint Link, uint Info)> Sections(byte[] elf, uint type)
    {
        if (elf.Length < 64 || !elf.AsSpan(0, 4).SequenceEqual(ElfMagic) || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a little-endian ELF64 file");
        }

        // Elf64_Ehdr: e_shoff at 0x28, e_shentsize at 0x3A, e_shnum at 0x3C. Elf64_Shdr: sh_type at 4,
        // sh_offset at 24, sh_link at 40, sh_info at 44.
        var table = (long)U64(elf, 0x28);
        var size = U16(elf, 0x3A);
        var count = U16(elf, 0x3C);
        var found = new List<(long, uint, uint)>();
        for (var i = 0; i < count; i++)
        {
            var header = table + ((long)i * size);
            if (U32(elf, header + 4) == type)
            {
                found.Add(((long)U64(elf, header + 24), U32(elf, header + 40), U32(elf, header + 44)));
            }
        }

        return found;
    }

    private static long StringTableOffset(byte[] elf, uint section) => (long)U64(elf, (long)U64(elf, 0x28) + ((long)section * U16(elf, 0x3A)) + 24);

    private static string Name(byte[] elf, long table, uint offset)
    {
        var start = checked((int)(table + offset));
        var length = elf.AsSpan(start).IndexOf((byte)0);
        if (length < 0)
        {
            throw new InvalidDataException($"unterminated name at offset {start}");
        }

        return Encoding.ASCII.GetString(elf, start, length);
    }

    private static ushort U16(byte[] elf, long offset) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(elf, offset, 2));

    private static uint U32(byte[] elf, long offset) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(elf, offset, 4));

    private static ulong U64(byte[] elf, long offset) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(elf, offset, 8));

    private static ReadOnlySpan<byte> Slice(byte[] elf, long offset, int length) =>
        offset >= 0 && offset + length <= elf.Length ? elf.AsSpan((int)offset, length) : throw new InvalidDataException($"ELF structure out of the file at offset {offset}");
}

/// <summary>One version need: <paramref name="File"/> must define <paramref name="Version"/>, unless <paramref name="Flags"/> has the weak bit.</summary>
/// <param name="File">The needed library (<c>vn_file</c>), e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Version">The version name (<c>vna_name</c>), e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags"><c>vna_flags</c>.</param>
/// <param name="FlagsOffset">Where <c>vna_flags</c> lies in the file.</param>
internal sealed record VersionNeed(string File, string Version, ushort Flags, long FlagsOffset)
{
    /// <summary>Whether the loader accepts the library without this version.</summary>
    public bool IsWeak => (Flags & ElfVersionNeeds.WeakFlag) != 0;
}
