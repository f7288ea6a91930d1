using System.Numerics;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>The Python type of an unpickled value, for messages (<c>dict</c>, <c>tuple</c>, <c>tensor</c> ...).</summary>
internal static class PythonTypeName
{
    /// <summary>The Python type of an unpickled value, for messages.</summary>
    public static string Of(object? value) => value switch
    {
        null => "None",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        PickleTuple => "tuple",
        List<object?> => "list",
        OrderedDictionary<object, object?> => "dict",
        HashSet<object?> => "set",
        StorageRecord => "storage",
        TensorRecord or TorchSharp.torch.Tensor => "tensor",
        PickleGlobal g => g.FullName,
        _ => value.GetType().Name,
    };
}
