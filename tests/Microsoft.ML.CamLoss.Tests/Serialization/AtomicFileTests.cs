using Microsoft.ML.CamLoss.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Serialization;

/// <summary>The one way the library writes files (models, checkpoints, ONNX, pictures, reports, splits): whole or not at all, and no orphan kept.</summary>
[TestClass]
public sealed class AtomicFileTests
{
    private string _folder = null!;

    [TestInitialize]
    public void Create() => _folder = Directory.CreateTempSubdirectory("camloss-atomic-").FullName;

    [TestCleanup]
    public void Delete() => Directory.Delete(_folder, recursive: true);

    [TestMethod]
    public void Write_FailingHalfway_LeavesTheOldFileAndNoTemporaryFile()
    {
        var path = Path.Combine(_folder, "model.camloss-ckpt");
        File.WriteAllText(path, "old");
        Assert.ThrowsExactly<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new"u8);
            throw new InvalidOperationException("disk full");
        }));

        Assert.AreEqual("old", File.ReadAllText(path));
        Assert.IsEmpty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [TestMethod]
    public void Write_OrphansOfAKilledWrite_DeletedOnceAnHourOld_YoungOnesKept()
    {
        var path = Path.Combine(_folder, "model.camloss-ckpt");
        var orphan = Path.Combine(_folder, ".model.camloss-ckpt.0123456789abcdef0123456789abcdef.tmp");
        var young = Path.Combine(_folder, ".model.camloss-ckpt.fedcba9876543210fedcba9876543210.tmp");
        var otherTarget = Path.Combine(_folder, ".other.camloss-ckpt.0123456789abcdef0123456789abcdef.tmp");
        foreach (var file in new[] { orphan, young, otherTarget })
        {
            File.WriteAllText(file, "partial");
        }

        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddHours(-2));
        File.SetLastWriteTimeUtc(otherTarget, DateTime.UtcNow.AddHours(-2));

        AtomicFile.WriteAllText(path, "new");

        Assert.AreEqual("new", File.ReadAllText(path));
        Assert.IsFalse(File.Exists(orphan), "an hour-old temporary file of this target is an orphan of a killed write");
        Assert.IsTrue(File.Exists(young), "a young one may be a write in progress");
        Assert.IsTrue(File.Exists(otherTarget), "another file's temporaries are that file's business");
    }
}
