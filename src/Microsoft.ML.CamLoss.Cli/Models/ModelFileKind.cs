namespace Microsoft.ML.CamLoss.Cli.Models;

/// <summary>What a file given as <c>--model</c> (or <c>--teacher</c>) is, as far as its first bytes tell.</summary>
internal enum ModelFileKind
{
    /// <summary>There is no such file.</summary>
    Missing,

    /// <summary>A zip with <c>manifest.json</c>: a camloss model file (or training checkpoint).</summary>
    CamLossArchive,

    /// <summary>A <c>torch.save</c> file, legacy pickle or zip (<c>*/data.pkl</c>): weights without architecture or class names.</summary>
    PyTorchCheckpoint,

    /// <summary>A zip that ML.NET's <c>mlContext.Model.Save</c> wrote (<c>TransformerChain/Model.key</c>): a model zip, scored through ML.NET.</summary>
    MLNetModel,

    /// <summary>An ONNX protobuf (<c>ModelProto</c>, ir_version first), e.g. from <c>camloss export</c>: scored on ONNX Runtime.</summary>
    OnnxGraph,

    /// <summary>Anything else (a weights file, a damaged file, not a model at all): the library's loader says which.</summary>
    Other,
}
