namespace Microsoft.ML.CamLoss.Cli.Models;

/// <summary>What a path given as <c>--model</c> (or <c>--teacher</c>) is, as far as a folder's checkpoint or a file's first bytes tell.</summary>
internal enum ModelKind
{
    /// <summary>There is no such file, or a folder without a training checkpoint.</summary>
    Missing,

    /// <summary>A run folder (<c>camloss train</c>'s <c>NAME.run/</c>) holding a training checkpoint: its model, by <c>ImageClassificationModel.FromCheckpoint</c>.</summary>
    RunFolder,

    /// <summary>A zip with <c>manifest.json</c>: a training checkpoint (<c>checkpoint.camloss-ckpt</c>), which describes its model.</summary>
    TrainingCheckpoint,

    /// <summary>A <c>torch.save</c> file, legacy pickle or zip (<c>*/data.pkl</c>): weights without architecture or class names.</summary>
    PyTorchCheckpoint,

    /// <summary>A zip that ML.NET's <c>mlContext.Model.Save</c> wrote (<c>TransformerChain/Model.key</c>): a model zip, scored through ML.NET.</summary>
    MLNetModel,

    /// <summary>An ONNX protobuf (<c>ModelProto</c>, ir_version first), e.g. from <c>camloss export</c>: scored on ONNX Runtime.</summary>
    OnnxGraph,

    /// <summary>Anything else (a weights file, a damaged file, not a model at all): the library's loader says which.</summary>
    Other,
}
