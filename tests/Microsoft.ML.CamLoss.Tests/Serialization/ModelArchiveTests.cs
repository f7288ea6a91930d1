using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>
/// The model/checkpoint archive: bit-exact round trips, the manifest, atomic writes and argument
/// checks (bad files: ModelArchiveTests.BadFiles.cs).
/// </summary>
[TestClass]
public sealed partial class ModelArchiveTests
{
    private static readonly byte[] s_classes = Encoding.UTF8.GetBytes("airplane\nautomobile\nbird\n");

    private string _folder = null!;

    public TestContext TestContext { get; set; } = null!;

    [TestInitialize]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "camloss-archive-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestMethod]
    public void WriteThenOpen_EveryDtypeAndShape_RoundTripsBitExactlyInOrder()
    {
        var live = Tensor.TotalCount;
        var path = InFolder("roundtrip.camloss");
        using (var scope = torch.NewDisposeScope())
        {
            var sample = SampleTensors(seed: 1);
            ModelArchive.Write(path, ModelArchive.ModelKind, new JsonObject(), Entries(("weights", sample)));
            using var reader = ModelArchive.Open(path, ModelArchive.ModelKind);
            reader.ReadTensors("weights").UseThenDispose(loaded =>
            {
                CollectionAssert.AreEqual(sample.Select(p => p.Key).ToList(), loaded.Keys.ToList(), "keys, in the order written");
                foreach (var (name, expected) in sample)
                {
                    AssertBitExact(expected, loaded[name], name);
                    Assert.IsTrue(loaded[name].is_contiguous(), $"{name}: contiguous");
                    Assert.AreEqual(DeviceType.CPU, loaded[name].device_type, $"{name}: on the CPU");
                }
            });
        }

        Assert.AreEqual(live, Tensor.TotalCount, "every tensor read was disposed, none leaked");
    }

    [TestMethod]
    public void WriteThenOpen_Manifest_KeepsCallerFieldsAndAddsTheArchiveFields()
    {
        var path = InFolder("manifest.camloss");
        var manifest = new JsonObject
        {
            ["architecture"] = "resnet18",
            ["classNames"] = new JsonArray("cat", "dog"),
            ["preprocessing"] = new JsonObject { ["mean"] = new JsonArray(0.485, 0.456, 0.406), ["size"] = 224 },
            ["format"] = "the caller's value, replaced",
        };
        var callerCopy = manifest.ToJsonString();
        var before = DateTime.UtcNow.AddSeconds(-1);
        using (var scope = torch.NewDisposeScope())
        {
            ModelArchive.Write(path, ModelArchive.ModelKind, manifest, Entries(("weights", SampleTensors(seed: 2))), new Dictionary<string, byte[]> { ["classes"] = s_classes });
        }

        Assert.AreEqual(callerCopy, manifest.ToJsonString(), "the caller's manifest is not modified");
        using var reader = ModelArchive.Open(path, ModelArchive.ModelKind);
        var read = reader.Manifest;
        Assert.AreEqual("resnet18", (string?)read["architecture"]);
        Assert.AreEqual("[\"cat\",\"dog\"]", read["classNames"]!.ToJsonString());
        Assert.AreEqual(224, (int)read["preprocessing"]!["size"]!);
        Assert.AreEqual(0.456, (double)read["preprocessing"]!["mean"]![1]!);
        Assert.AreEqual(ModelArchive.ModelKind, (string?)read["format"]);
        Assert.AreEqual(ModelArchive.FormatVersion, (int)read["formatVersion"]!);
        Assert.AreEqual(1, reader.FormatVersion);

        var informational = typeof(ModelArchive).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.AreEqual(informational.Split('+')[0], reader.LibraryVersion);
        Assert.AreEqual(reader.LibraryVersion, (string?)read["libraryVersion"]);
        Assert.DoesNotContain("+", reader.LibraryVersion);

        var created = DateTime.Parse((string)read["createdUtc"]!, null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.AreEqual(DateTimeKind.Utc, created.Kind);
        Assert.IsTrue(created >= before && created <= DateTime.UtcNow.AddSeconds(1), $"createdUtc {created:O} is now");

        CollectionAssert.AreEqual(new[] { "weights", "classes" }, reader.EntryNames.ToList());
        using var zip = ZipFile.OpenRead(path);
        foreach (var (name, fileName) in new[] { ("weights", "weights.tensors"), ("classes", "classes.bytes") })
        {
            var zipEntry = zip.GetEntry(fileName)!;
            using var stream = zipEntry.Open();
            Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(stream)), (string?)read["entries"]![name]!["sha256"], $"{name}: sha256");
            Assert.AreEqual(zipEntry.Length, (long)read["entries"]![name]!["bytes"]!, $"{name}: bytes");
            Assert.AreEqual(zipEntry.Length, zipEntry.CompressedLength, $"{name}: stored uncompressed");
        }
    }

    [TestMethod]
    public void WriteThenOpen_CheckpointWithByteEntries_RoundTripsEveryEntry()
    {
        var path = InFolder("epoch3.camloss-checkpoint");
        using var scope = torch.NewDisposeScope();
        var weights = SampleTensors(seed: 3);
        var optimizer = new List<KeyValuePair<string, Tensor>> { new("step", torch.tensor(new long[] { 7 })) };
        var bytes = new Dictionary<string, byte[]> { ["classes"] = s_classes, ["empty"] = [], ["rng-state"] = RandomBytes(4, 1000) };
        ModelArchive.Write(path, ModelArchive.CheckpointKind, new JsonObject { ["epoch"] = 3 }, Entries(("weights", weights), ("optimizer", optimizer)), bytes);

        using var reader = ModelArchive.Open(path, ModelArchive.CheckpointKind);
        CollectionAssert.AreEqual(new[] { "weights", "optimizer", "classes", "empty", "rng-state" }, reader.EntryNames.ToList());
        Assert.AreEqual(3, (int)reader.Manifest["epoch"]!);
        foreach (var (name, expected) in bytes)
        {
            CollectionAssert.AreEqual(expected, reader.ReadBytes(name), name);
        }

        reader.ReadTensors("optimizer").UseThenDispose(loaded => AssertBitExact(optimizer[0].Value, loaded["step"], "step"));
        reader.ReadTensors("weights").UseThenDispose(loaded => Assert.AreEqual(weights.Count, loaded.Count));
    }

    [TestMethod]
    public void Write_OverAnExistingArchiveWhenAnEntryThrowsMidway_KeepsTheOldArchiveAndNoTemporaryFile()
    {
        var path = WriteSample("atomic.camloss");
        var before = File.ReadAllBytes(path);
        var temporaryFilesWhenThrown = -1;
        IEnumerable<KeyValuePair<string, Tensor>> FailingProducer()
        {
            yield return new("first", torch.ones(2));
            temporaryFilesWhenThrown = Directory.GetFiles(_folder, "*.tmp").Length;
            throw new InvalidOperationException("the producer failed");
        }

        using (var scope = torch.NewDisposeScope())
        {
            var entries = Entries(("weights", SampleTensors(seed: 5)), ("optimizer", FailingProducer()));
            Assert.ThrowsExactly<InvalidOperationException>(() => ModelArchive.Write(path, ModelArchive.ModelKind, new JsonObject(), entries));
        }

        Assert.AreEqual(1, temporaryFilesWhenThrown, "the failure came while the temporary file was being written");
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(_folder), "only the old archive, no temporary file");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path), "the old archive is unchanged");
        using var reader = ModelArchive.Open(path, ModelArchive.ModelKind);
        reader.ReadTensors("weights").UseThenDispose(loaded => Assert.AreEqual(SampleCount, loaded.Count));
    }

    [TestMethod]
    public void Write_NullTensorInALaterEntryToANewPath_ThrowsAndLeavesNoFile()
    {
        var path = InFolder("new.camloss");
        using var scope = torch.NewDisposeScope();
        var extra = new List<KeyValuePair<string, Tensor>> { new("s", null!) };
        var ex = Assert.ThrowsExactly<ArgumentNullException>(() =>
            ModelArchive.Write(path, ModelArchive.ModelKind, new JsonObject(), Entries(("weights", SampleTensors(seed: 6)), ("extra", extra))));
        Assert.AreEqual("tensorEntries[extra][s]", ex.ParamName);
        Assert.IsEmpty(Directory.GetFiles(_folder));
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("../weights")]
    [DataRow("a/b")]
    [DataRow(".hidden")]
    [DataRow("two words")]
    public void Write_InvalidEntryName_ThrowsArgumentException(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            ModelArchive.Write(InFolder("bad.camloss"), ModelArchive.ModelKind, new JsonObject(), Entries(), new Dictionary<string, byte[]> { [name] = [1] }));
        StringAssert.Contains(ex.Message, "entry name");
        Assert.IsEmpty(Directory.GetFiles(_folder));
    }

    [TestMethod]
    public void Write_SameNameForTensorAndByteEntry_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ModelArchive.Write(
            InFolder("twice.camloss"), ModelArchive.ModelKind, new JsonObject(), Entries(("weights", SampleTensors(seed: 7))), new Dictionary<string, byte[]> { ["weights"] = [1] }));
        StringAssert.Contains(ex.Message, "'weights' is used by both");
    }

    [TestMethod]
    public void WriteAndOpen_NullEmptyOrUnknownArguments_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ModelArchive.Open(null!, ModelArchive.ModelKind));
        Assert.Throws<ArgumentException>(() => ModelArchive.Open("", ModelArchive.ModelKind));
        Assert.Throws<ArgumentException>(() => ModelArchive.Open(InFolder("x.camloss"), ""));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ModelArchive.Open(InFolder("x.camloss"), "camloss-weights")).Message, "ModelArchive.ModelKind");
        Assert.ThrowsExactly<ArgumentException>(() => ModelArchive.Write(InFolder("x.camloss"), "model", new JsonObject(), Entries()));
        Assert.Throws<ArgumentException>(() => ModelArchive.Write(InFolder("x.camloss"), ModelArchive.ModelKind, null!, Entries()));
        Assert.Throws<ArgumentException>(() => ModelArchive.Write(InFolder("x.camloss"), ModelArchive.ModelKind, new JsonObject(), null!));
    }

    [TestMethod]
    public void ReadTensors_UnknownOrByteEntry_ThrowsNamingTheEntries()
    {
        using var reader = ModelArchive.Open(WriteSample("entries.camloss"), ModelArchive.ModelKind);
        var unknown = Assert.ThrowsExactly<ModelFileException>(() => reader.ReadTensors("best-weights"));
        StringAssert.Contains(unknown.Message, "no entry 'best-weights'");
        StringAssert.Contains(unknown.Message, "'weights' (tensors), 'classes' (bytes)");
        var bytes = Assert.ThrowsExactly<ModelFileException>(() => reader.ReadTensors("classes"));
        StringAssert.Contains(bytes.Message, "entry 'classes' holds bytes, not tensors: read it with ReadBytes");
        var tensors = Assert.ThrowsExactly<ModelFileException>(() => reader.ReadBytes("weights"));
        StringAssert.Contains(tensors.Message, "entry 'weights' holds tensors, not bytes: read it with ReadTensors");
        Assert.Throws<ArgumentException>(() => reader.ReadTensors(""));
        reader.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => reader.ReadBytes("classes"));
    }

    private const int SampleCount = 12;

    /// <summary>One tensor per supported dtype and rank 0 to 4, empty ones and a non-contiguous view, in no sorted order.</summary>
    private static List<KeyValuePair<string, Tensor>> SampleTensors(int seed)
    {
        var random = new Random(seed);
        Tensor Random(ScalarType dtype, params long[] shape)
        {
            var bytes = new byte[shape.Aggregate(1L, (a, b) => a * b) * ElementSize(dtype)];
            random.NextBytes(bytes); // Float bits of every kind: NaN payloads, -0, subnormals, infinities.
            if (dtype == ScalarType.Bool)
            {
                bytes = bytes.Select(b => (byte)(b & 1)).ToArray();
            }

            return TensorBytes.FromLittleEndian(bytes, shape, dtype);
        }

        var grid = Random(ScalarType.Float32, 3, 4);
        List<KeyValuePair<string, Tensor>> tensors =
        [
            new("conv.weight", Random(ScalarType.Float32, 4, 3, 3, 3)),
            new("bn.running_mean", Random(ScalarType.Float64, 4)),
            new("bn.num_batches_tracked", Random(ScalarType.Int64)),
            new("image", Random(ScalarType.Byte, 2, 5, 5)),
            new("half", Random(ScalarType.Float16, 3, 7)),
            new("bf16", Random(ScalarType.BFloat16, 5)),
            new("counts", Random(ScalarType.Int32, 2, 2)),
            new("mask", Random(ScalarType.Bool, 6)),
            new("empty", Random(ScalarType.Float32, 0)),
            new("empty_rows", Random(ScalarType.Float64, 2, 0, 3)),
            new("a_transposed_view", grid.transpose(0, 1)),
            new("fc.bias", Random(ScalarType.Float32, 10)),
        ];
        Assert.AreEqual(SampleCount, tensors.Count);
        return tensors;
    }

    private static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Byte or ScalarType.Bool => 1,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        _ => 8,
    };

    private static void AssertBitExact(Tensor expected, Tensor actual, string what)
    {
        Assert.AreEqual(expected.dtype, actual.dtype, $"{what}: dtype");
        CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shape");
        CollectionAssert.AreEqual(TensorBytes.ToLittleEndian(expected), TensorBytes.ToLittleEndian(actual), $"{what}: bytes");
    }

    private static Dictionary<string, IEnumerable<KeyValuePair<string, Tensor>>> Entries(params (string Name, IEnumerable<KeyValuePair<string, Tensor>> Tensors)[] entries) =>
        entries.ToDictionary(e => e.Name, e => e.Tensors);

    /// <summary>An archive with the sample tensors as <c>weights</c> and a <c>classes</c> byte entry.</summary>
    private string WriteSample(string name, string kind = ModelArchive.ModelKind)
    {
        var path = InFolder(name);
        using var scope = torch.NewDisposeScope();
        ModelArchive.Write(path, kind, new JsonObject { ["architecture"] = "resnet18" }, Entries(("weights", SampleTensors(seed: 42))),
            new Dictionary<string, byte[]> { ["classes"] = s_classes });
        return path;
    }

    /// <summary>Everything an archive yields (manifest, entries, tensors as dtype, shape and bytes) as one string.</summary>
    private static string Snapshot(string path, string kind = ModelArchive.ModelKind)
    {
        using var reader = ModelArchive.Open(path, kind);
        var text = new StringBuilder(reader.Manifest.ToJsonString()).AppendLine();
        text.AppendLine(string.Join(",", reader.EntryNames));
        reader.ReadTensors("weights").UseThenDispose(tensors =>
        {
            foreach (var (name, tensor) in tensors)
            {
                text.AppendLine($"{name} {tensor.dtype} [{string.Join(",", tensor.shape)}] {Convert.ToHexString(TensorBytes.ToLittleEndian(tensor))}");
            }
        });
        return text.AppendLine(Convert.ToHexString(reader.ReadBytes("classes"))).ToString();
    }

    private static ModelFileException AssertOpenFails(string path, string kind, params string[] phrases)
    {
        var ex = Assert.ThrowsExactly<ModelFileException>(() => ModelArchive.Open(path, kind).Dispose());
        Assert.AreEqual(path, ex.Path);
        StringAssert.StartsWith(ex.Message, path + ": ");
        foreach (var phrase in phrases)
        {
            StringAssert.Contains(ex.Message, phrase);
        }

        return ex;
    }

    private static JsonObject ReadManifest(ZipArchive zip)
    {
        using var stream = zip.GetEntry("manifest.json")!.Open();
        return JsonNode.Parse(stream)!.AsObject();
    }

    private static void Rewrite(string path, Action<ZipArchive> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        change(zip);
    }

    private static byte[] RandomBytes(int seed, int count)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string InFolder(string name) => Path.Combine(_folder, name);

    private string Bytes(string name, byte[] bytes)
    {
        var path = InFolder(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Zip(string name, params (string Entry, string Text)[] entries)
    {
        var path = InFolder(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entry, text) in entries)
        {
            using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
            writer.Write(text);
        }

        return path;
    }
}
