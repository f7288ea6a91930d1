using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// Turns the ONNX graph's predicted class name, a 1-element string vector (ML.NET's ONNX transformer cannot output a
/// scalar), into a scalar for <c>MapValueToKey</c>, inside the fitted chain as a <c>CustomMapping</c> (register the
/// assembly before loading a model in a fresh process, see <see cref="ImageBytesDecoding"/>).
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class FirstSlot : CustomMappingFactory<FirstSlot.Vector, FirstSlot.Scalar>
{
    /// <summary>The contract name saved with models: <c>CamLoss.PredictedName</c>.</summary>
    public const string ContractName = "CamLoss.PredictedName";

    /// <summary>Copies the first (only) element.</summary>
    public static void Copy(Vector input, Scalar output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output.Name = input.Names is { Length: > 0 } names ? names[0] : string.Empty;
    }

    /// <inheritdoc />
    public override Action<Vector, Scalar> GetMapping() => Copy;

    /// <summary>The input row: the graph's one-element output.</summary>
    public sealed class Vector
    {
        /// <summary>The predicted class's name.</summary>
        [ColumnName(MLNetColumns.PredictedName)]
        [VectorType(1)]
        public string[]? Names;
    }

    /// <summary>The output row.</summary>
    public sealed class Scalar
    {
        /// <summary>The predicted class's name.</summary>
        [ColumnName(MLNetColumns.PredictedText)]
        public string Name = string.Empty;
    }
}
