using Google.Protobuf;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Onnx.Protobuf;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Onnx;

/// <summary>
/// What cannot be exported fails at export time with one clear line and leaves no file (an existing file
/// stays as it was); what cannot be scored fails when the scorer opens it, with one line naming the file.
/// </summary>
[TestClass]
public sealed class OnnxBadInputTests
{
    private static readonly string[] Classes = ["a", "b", "c"];

    [TestMethod]
    public void Save_UnknownArchitecture_NotSupportedNamingTheKnownFamiliesAndNoFile()
    {
        using var temp = new TempFolder();
        using var network = new TinyBackbone();
        var path = Path.Combine(temp.Path, "tiny.onnx");

        OnnxTesting.AssertOneLineError<NotSupportedException>(
            () => OnnxExport.Save(network, Classes, OnnxTesting.ImageNetScoring, path), "TinyBackbone", "CifarResNet", "WideResNet", "ImageNetResNet");
        Assert.IsEmpty(Directory.GetFileSystemEntries(temp.Path), "no file, not even a temporary one");
    }

    [TestMethod]
    public void Save_ModuleTheExporterCannotWrite_NamesItsPathAndKeepsTheOldFile()
    {
        using var temp = new TempFolder();
        var path = temp.Write("model.onnx", "old"u8);
        using var reflectPadded = new CifarResNet(8, 3);
        ((Conv2d)reflectPadded.named_modules().Single(m => m.name == "layer2.0.conv1").module).padding_mode = PaddingModes.Reflect;
        OnnxTesting.AssertOneLineError<NotSupportedException>(
            () => OnnxExport.Save(reflectPadded, Classes, OnnxTesting.ImageNetScoring, path), "'layer2.0.conv1'", "Conv2d", "zero padding");

        using var extraModule = new CifarResNet(8, 3);
        extraModule.named_modules().Single(m => m.name == "layer1.0").module.register_module("dropout", nn.Dropout(0.5));
        OnnxTesting.AssertOneLineError<NotSupportedException>(
            () => OnnxExport.Save(extraModule, Classes, OnnxTesting.ImageNetScoring, path), "'layer1.0'", "CifarBasicBlock", "'dropout'");

        Assert.AreEqual("old", File.ReadAllText(path), "a failed export leaves the existing file untouched");
        Assert.HasCount(1, Directory.GetFileSystemEntries(temp.Path), "and no temporary file");
    }

    [TestMethod]
    public void ToBytes_OutputNameClash_ArgumentExceptionNamingBoth()
    {
        using var network = new CifarResNet(8, 3);
        string Fails(OnnxExportOptions options, params string[] mentions) =>
            OnnxTesting.AssertOneLineError<ArgumentException>(() => OnnxExport.ToBytes(network, Classes, OnnxTesting.ImageNetScoring, options), mentions);

        Fails(new OnnxExportOptions { LogitsName = OnnxNames.Score }, "Score and the Logits", "'Score'");
        Fails(new OnnxExportOptions { Maps = OnnxMaps.Cam, CamName = OnnxNames.Pixels }, "Input and the Cam", "'Pixels'");
        Fails(new OnnxExportOptions { Maps = OnnxMaps.Caam | OnnxMaps.Cams, CamsName = "Maps", CaamName = "Maps" }, "Caam and the Cams", "'Maps'");
        Fails(new OnnxExportOptions { ScoreName = "mlnet.Score" }, "'mlnet.Score'", "ML.NET reserves");
        Fails(new OnnxExportOptions { LogitsName = " " }, "Logits name is empty");

        // A name clash with a map that is not requested is no clash.
        Assert.IsNotEmpty(OnnxExport.ToBytes(network, Classes, OnnxTesting.ImageNetScoring, new OnnxExportOptions { CamName = OnnxNames.Score }));
    }

    [TestMethod]
    public void ToBytes_BadClassNamesOrPreprocessing_OneClearError()
    {
        using var network = new CifarResNet(8, 3);
        OnnxTesting.AssertOneLineError<ArgumentException>(() => OnnxExport.ToBytes(network, ["a", "b"], OnnxTesting.ImageNetScoring), "3 classes", "2 class names");
        OnnxTesting.AssertOneLineError<ArgumentException>(() => OnnxExport.ToBytes(network, ["a", "b", "a"], OnnxTesting.ImageNetScoring), "'a' appears twice");
        var normaliseThenResize = new CamLoss.Data.ImagePipeline().NormalizeImageNet().Resize(32, 32);
        OnnxTesting.AssertOneLineError<NotSupportedException>(() => OnnxExport.ToBytes(network, Classes, normaliseThenResize), "ResizeTransform comes after the normalisation");
    }

    [TestMethod]
    public void Constructor_TruncatedOnnx_ModelFileExceptionNamingTheFile()
    {
        using var temp = new TempFolder();
        using var model = OnnxTesting.Model(Classes);
        var bytes = OnnxExport.ToBytes(model);
        var path = temp.Write("truncated.onnx", bytes.AsSpan(0, bytes.Length / 2));

        var message = OnnxTesting.AssertOneLineError<ModelFileException>(() => new OnnxImageClassifier(path).Dispose(), path, "not a model ONNX Runtime can load");
        StringAssert.Contains(message, "truncated or damaged");
    }

    [TestMethod]
    public void Constructor_ForeignOrNonOnnxFile_ModelFileExceptionNamingTheFile()
    {
        using var temp = new TempFolder();
        var foreign = temp.Write("relu.onnx", ForeignModel().ToByteArray());
        OnnxTesting.AssertOneLineError<ModelFileException>(
            () => new OnnxImageClassifier(foreign).Dispose(), foreign, "not an image classifier exported by camloss", "'camloss.classes'", "camloss export");

        var picture = temp.Write("photo.onnx", Data.FixtureImages.Jpeg);
        OnnxTesting.AssertOneLineError<ModelFileException>(() => new OnnxImageClassifier(picture).Dispose(), picture, "not a model ONNX Runtime can load");

        var missing = Path.Combine(temp.Path, "missing.onnx");
        OnnxTesting.AssertOneLineError<ModelFileException>(() => new OnnxImageClassifier(missing).Dispose(), missing, "does not exist");
    }

    /// <summary>A valid ONNX model that is no classifier of ours: Relu of a [1, 3] input.</summary>
    private static ModelProto ForeignModel()
    {
        var graph = new OnnxGraphBuilder("relu");
        graph.Input("x", TensorProto.Types.DataType.Float, 1, 3);
        graph.Node("Relu", "relu", ["x"], "y");
        graph.Output("y", TensorProto.Types.DataType.Float, 1, 3);
        var model = new ModelProto { IrVersion = 8, Graph = graph.Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        return model;
    }

    /// <summary>A backbone of the user's own: one convolution.</summary>
    private sealed class TinyBackbone : Backbone
    {
        private readonly Conv2d _conv;

        public TinyBackbone()
            : base(nameof(TinyBackbone))
        {
            _conv = nn.Conv2d(3, 4, 3, padding: 1);
            register_module("conv", _conv);
            CreateClassifier(4, 3);
        }

        public override string ClassifierName => "fc";

        protected override Conv2d StemConvolution => _conv;

        protected override int Halvings => 0;

        protected override (Tensor Inner, Tensor Last) ForwardFeatures(Tensor input)
        {
            var x = _conv.forward(input).relu();
            return (x, x.alias());
        }
    }
}
