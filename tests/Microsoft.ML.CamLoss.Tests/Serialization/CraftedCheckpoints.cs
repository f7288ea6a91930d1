using System.IO.Compression;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>Hand-made checkpoint files around a given pickle, for the refusal and bad-input tests.</summary>
public static class CraftedCheckpoints
{
    /// <summary>The magic number and protocol version pickles that start a legacy checkpoint.</summary>
    private static readonly byte[] LegacyPreamble =
    [
        0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.', // 0x1950a86a20f9469cfc6c
        0x80, 0x02, (byte)'M', 0xe9, 0x03, (byte)'.', // 1001
    ];

    /// <summary>A zip-format checkpoint whose data.pkl is <paramref name="pickle"/>, plus the given storages.</summary>
    public static string Zip(string name, byte[] pickle, params (string Key, byte[] Data)[] storages)
    {
        var path = TempPath(name);
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        Write(zip, $"{name}/data.pkl", pickle);
        Write(zip, $"{name}/version", "3\n"u8.ToArray());
        foreach (var (key, data) in storages)
        {
            Write(zip, $"{name}/data/{key}", data);
        }

        return path;
    }

    /// <summary>
    /// A legacy-format checkpoint whose main pickle is <paramref name="pickle"/>, followed by the key list and
    /// each storage's element count and bytes; the system info says big-endian when <paramref name="bigEndian"/>.
    /// </summary>
    public static string Legacy(string name, byte[] pickle, bool bigEndian = false, params (string Key, long Count, byte[] Data)[] storages)
    {
        var path = TempPath(name);
        using var file = File.Create(path);
        file.Write(LegacyPreamble);
        file.Write([0x80, 0x02, (byte)'}', .. Unicode("little_endian"), bigEndian ? (byte)0x89 : (byte)0x88, (byte)'s', (byte)'.']);
        file.Write(pickle);
        file.Write([0x80, 0x02, (byte)']', (byte)'(', .. storages.SelectMany(s => Unicode(s.Key)), (byte)'e', (byte)'.']);
        foreach (var (_, count, data) in storages)
        {
            var countBytes = BitConverter.GetBytes(count);
            file.Write(bigEndian ? countBytes.Reverse().ToArray() : countBytes);
            file.Write(data);
        }

        return path;
    }

    /// <summary>A BINUNICODE opcode pushing <paramref name="text"/>.</summary>
    public static byte[] Unicode(string text)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        return [(byte)'X', .. BitConverter.GetBytes(utf8.Length), .. utf8];
    }

    /// <summary>A file with these bytes.</summary>
    public static string Bytes(string name, byte[] bytes)
    {
        var path = TempPath(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The first <paramref name="length"/> bytes of a fixture, as a new file.</summary>
    public static string Truncated(string fixture, long length) =>
        Bytes($"truncated_{length}_{fixture}", File.ReadAllBytes(CheckpointFixtures.PathOf(fixture))[..(int)length]);

    /// <summary>A path in this test run's scratch folder (under the system temp folder).</summary>
    public static string TempPath(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "camloss-serialization-tests");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private static void Write(ZipArchive zip, string name, byte[] data)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(data);
    }
}
