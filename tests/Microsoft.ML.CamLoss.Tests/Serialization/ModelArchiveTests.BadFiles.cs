using System.IO.Compression;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>
/// Every kind of bad file given to the archive reader as a training checkpoint (the file <c>Resume</c> and
/// <c>ImageClassificationModel.FromCheckpoint</c> read) gets a <see cref="ModelFileException"/> naming the file and what
/// to do: missing, empty, foreign, of the wrong kind, newer, corrupt or truncated.
/// </summary>
public sealed partial class ModelArchiveTests
{
    [TestMethod]
    public void Open_MissingFile_ThrowsSayingItDoesNotExist()
    {
        var ex = AssertOpenFails(InFolder("missing.camloss-ckpt"), ModelArchive.CheckpointKind, "the training checkpoint does not exist", "Check the path");
        Assert.IsInstanceOfType<FileNotFoundException>(ex.InnerException);
    }

    [TestMethod]
    public void Open_WeightsOnlyFile_ThrowsSayingItIsPretrainedWeights()
    {
        var path = InFolder("weights.camlossweights");
        using (var scope = torch.NewDisposeScope())
        {
            ModelWeightsFile.Save(path, SampleTensors(seed: 8));
        }

        AssertOpenFails(path, ModelArchive.CheckpointKind, "CamLoss weights-only file (no manifest, class names or preprocessing)", "used as pretrained weights", "training cannot be resumed from it");
    }

    [TestMethod]
    [DataRow("state_zip.pt")]
    [DataRow("state_legacy.pt")]
    public void Open_PyTorchCheckpoint_ThrowsPointingToFromPyTorchCheckpoint(string fixture)
    {
        var path = InFolder(fixture);
        File.Copy(CheckpointFixtures.PathOf(fixture), path);
        AssertOpenFails(path, ModelArchive.CheckpointKind,
            "it is a PyTorch checkpoint, not a CamLoss training checkpoint", "ImageClassificationModel.FromPyTorchCheckpoint(path, architecture, classNames)", $"camloss evaluate --model {path} --arch ARCH");
    }

    [TestMethod]
    public void Open_TextFile_ThrowsNotACamLossCheckpoint() =>
        AssertOpenFails(Bytes("notes.txt", "hello, world"u8.ToArray()), ModelArchive.CheckpointKind, "it is not a CamLoss training checkpoint", "68656C6C6F2C2077");

    [TestMethod]
    public void Open_EmptyFile_ThrowsSayingItIsEmpty() =>
        AssertOpenFails(Bytes("empty.camloss-ckpt", []), ModelArchive.CheckpointKind, "it is empty (0 bytes)", "not a CamLoss training checkpoint");

    [TestMethod]
    public void Open_ZipWithoutManifest_ThrowsNotACamLossCheckpoint()
    {
        var path = Zip("other.zip", ("readme.txt", "hello"));
        AssertOpenFails(path, ModelArchive.CheckpointKind, "a zip archive without manifest.json, so it is not a CamLoss training checkpoint");
    }

    [TestMethod]
    public void Open_ArchiveWhoseManifestIsGone_ThrowsCorrupt()
    {
        var path = WriteSample("nomanifest.camloss-ckpt", ModelArchive.CheckpointKind);
        Rewrite(path, zip => zip.GetEntry("manifest.json")!.Delete());
        AssertOpenFails(path, ModelArchive.CheckpointKind, "it is corrupt: it holds CamLoss entries but no manifest.json", "copy it again or retrain");
    }

    [TestMethod]
    public void Open_GarbageAfterZipSignature_ThrowsCorruptOrTruncated()
    {
        var ex = AssertOpenFails(Bytes("garbage.camloss-ckpt", [.. "PK\x03\x04"u8, .. RandomBytes(9, 300)]), ModelArchive.CheckpointKind, "is corrupt or truncated", "copy it again or retrain");
        Assert.IsNotNull(ex.InnerException);
    }

    [TestMethod]
    [DataRow("{not json", "not valid JSON")]
    [DataRow("[1, 2]", "not a JSON object")]
    [DataRow("{\"formatVersion\": 1, \"libraryVersion\": \"0.1.0\", \"entries\": {}}", "no \"format\" string")]
    [DataRow("{\"format\": \"camloss-checkpoint\", \"libraryVersion\": \"0.1.0\", \"entries\": {}}", "no integer \"formatVersion\"")]
    [DataRow("{\"format\": \"camloss-checkpoint\", \"formatVersion\": \"1\", \"libraryVersion\": \"0.1.0\", \"entries\": {}}", "no integer \"formatVersion\"")]
    [DataRow("{\"format\": \"camloss-checkpoint\", \"formatVersion\": 0, \"libraryVersion\": \"0.1.0\", \"entries\": {}}", "format versions start at 1")]
    [DataRow("{\"format\": \"camloss-checkpoint\", \"formatVersion\": 1, \"libraryVersion\": \"0.1.0\"}", "no \"entries\" object")]
    [DataRow("{\"format\": \"camloss-checkpoint\", \"formatVersion\": 1, \"libraryVersion\": \"0.1.0\", \"entries\": {\"w\": {\"sha256\": \"ab\", \"bytes\": 2}}}", "entry 'w' lacks a valid \"sha256\"")]
    public void Open_CorruptManifest_ThrowsSayingTheManifestIsCorrupt(string manifest, string detail)
    {
        var path = Zip("manifest.camloss-ckpt", ("manifest.json", manifest));
        AssertOpenFails(path, ModelArchive.CheckpointKind, "its manifest (manifest.json) is corrupt", detail, "copy it again or retrain");
    }

    [TestMethod]
    public void Open_Version1ModelFileAsCheckpoint_ThrowsSayingToUseTheRunFoldersCheckpoint()
    {
        // A model file of version 1 (format camloss-model) handed to Resume or FromCheckpoint.
        var path = WriteSample("final-model", ModelArchive.ModelKind);
        AssertOpenFails(path, ModelArchive.CheckpointKind, "a model file of version 1 of this library", "ImageClassificationModel.FromCheckpoint", "Use the run folder's checkpoint");
    }

    [TestMethod]
    public void Open_CallerFieldEditedAfterWriting_ThrowsSayingItWasEdited()
    {
        var path = WriteSample("edited.camloss-ckpt", ModelArchive.CheckpointKind);
        ManifestEdit.Rewrite(path, manifest => manifest["architecture"] = "resnet50");
        AssertOpenFails(path, ModelArchive.CheckpointKind, "its manifest (manifest.json) is corrupt", "do not match their SHA-256", "it was edited");
    }

    [TestMethod]
    public void Open_ManifestWithoutFieldsSha256_OpensAsFilesWrittenBeforeItDid()
    {
        var path = WriteSample("older.camloss-ckpt", ModelArchive.CheckpointKind);
        ManifestEdit.Rewrite(path, manifest => manifest.Remove("fieldsSha256"));
        using var reader = ModelArchive.Open(path, ModelArchive.CheckpointKind);
        Assert.AreEqual("resnet18", reader.Manifest["architecture"]!.GetValue<string>());
    }

    [TestMethod]
    public void Open_NewerFormatVersion_ThrowsAskingToUpdateTheLibrary()
    {
        var path = WriteSample("future.camloss-ckpt", ModelArchive.CheckpointKind);
        ManifestEdit.Rewrite(path, manifest =>
        {
            manifest["formatVersion"] = 2;
            manifest["libraryVersion"] = "9.9.9";
        });
        AssertOpenFails(path, ModelArchive.CheckpointKind,
            "written by Microsoft.ML.CamLoss 9.9.9 in archive format version 2", "reads format versions up to 1", "Update Microsoft.ML.CamLoss");
    }

    [TestMethod]
    public void Open_EntryMissingFromTheZip_ThrowsEntryCorrupt()
    {
        var path = WriteSample("missing-entry.camloss-ckpt", ModelArchive.CheckpointKind);
        Rewrite(path, zip => zip.GetEntry("weights.tensors")!.Delete());
        AssertOpenFails(path, ModelArchive.CheckpointKind, "entry 'weights' is corrupt (missing from the archive)", "damaged after it was written", "copy it again or retrain");
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(-1)]
    public void Open_EntryChangedAfterWriting_ThrowsChecksumMismatch(int lengthChange)
    {
        var path = WriteSample("changed.camloss-ckpt", ModelArchive.CheckpointKind);
        Rewrite(path, zip =>
        {
            var entry = zip.GetEntry("weights.tensors")!;
            var buffer = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(buffer);
            }

            var content = buffer.ToArray();

            content[^1] ^= 0x40;
            entry.Delete();
            using var replacement = zip.CreateEntry("weights.tensors", CompressionLevel.NoCompression).Open();
            replacement.Write(content.AsSpan(0, content.Length + Math.Min(lengthChange, 0)));
            replacement.Write(new byte[Math.Max(lengthChange, 0)]);
        });
        AssertOpenFails(path, ModelArchive.CheckpointKind, "entry 'weights' is corrupt (checksum mismatch)", "the file was damaged after it was written; copy it again or retrain.");
    }

    [TestMethod]
    public void Open_OneByteOfStoredTensorDataFlipped_ThrowsChecksumMismatch()
    {
        var path = WriteSample("flipped.camloss-ckpt", ModelArchive.CheckpointKind);
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan().IndexOf("conv.weight"u8);
        Assert.AreEqual(-1, bytes.AsSpan(at + 1).IndexOf("conv.weight"u8), "the name appears once, inside the stored tensor entry");
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        AssertOpenFails(path, ModelArchive.CheckpointKind, "entry 'weights' is corrupt (checksum mismatch)");
    }

    [TestMethod]
    public void Open_200RandomSingleByteCorruptions_LoadIdenticallyOrThrowModelFileException()
    {
        var original = File.ReadAllBytes(WriteSample("original.camloss-ckpt", ModelArchive.CheckpointKind));
        var expected = Snapshot(InFolder("original.camloss-ckpt"), ModelArchive.CheckpointKind);
        var path = InFolder("corrupted.camloss-ckpt");
        var random = new Random(20240611);
        var live = Tensor.TotalCount;
        var (loaded, refused) = (0, 0);
        for (var i = 0; i < 200; i++)
        {
            var bytes = (byte[])original.Clone();
            var position = random.Next(bytes.Length);
            bytes[position] ^= (byte)random.Next(1, 256);
            File.WriteAllBytes(path, bytes);
            try
            {
                var actual = Snapshot(path, ModelArchive.CheckpointKind);
                Assert.AreEqual(expected, actual, $"byte {position} changed, yet the archive loaded with different content");
                loaded++;
            }
            catch (ModelFileException e)
            {
                Assert.AreEqual(path, e.Path);
                refused++;
            }
            catch (Exception e) when (e is not AssertFailedException)
            {
                Assert.Fail($"byte {position} of {bytes.Length} changed: {e.GetType().Name} escaped instead of a ModelFileException: {e}");
            }
        }

        TestContext.WriteLine($"{loaded} corrupted copies loaded identically (bytes the reader ignores), {refused} were refused");
        Assert.IsGreaterThan(100, refused, "most bytes are checked");
        Assert.AreEqual(live, Tensor.TotalCount, "no tensor leaked on the failure paths");
    }

    [TestMethod]
    public void Open_TruncatedAt20Points_ThrowsModelFileException()
    {
        var original = File.ReadAllBytes(WriteSample("whole.camloss-ckpt", ModelArchive.CheckpointKind));
        for (var i = 0; i < 20; i++)
        {
            var length = original.Length * i / 20;
            var path = Bytes($"truncated-{length}.camloss-ckpt", original[..length]);
            var ex = Assert.ThrowsExactly<ModelFileException>(() => ModelArchive.Open(path, ModelArchive.CheckpointKind).Dispose(), $"truncated to {length} bytes");
            StringAssert.Contains(ex.Message, path);
            if (length >= 4)
            {
                StringAssert.Contains(ex.Message, "is corrupt or truncated", $"truncated to {length} bytes");
            }
        }
    }

    [TestMethod]
    public void ModelFileException_Constructor_PrefixesThePath()
    {
        var inner = new InvalidDataException("bad");
        var ex = new ModelFileException("/runs/a/checkpoint.camloss-ckpt", "it is broken. Fix it.", inner);
        Assert.AreEqual("/runs/a/checkpoint.camloss-ckpt", ex.Path);
        Assert.AreEqual("/runs/a/checkpoint.camloss-ckpt: it is broken. Fix it.", ex.Message);
        Assert.AreSame(inner, ex.InnerException);
    }
}
