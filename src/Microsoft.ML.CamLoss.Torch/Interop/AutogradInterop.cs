using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>autograd.cpp</c>.</summary>
internal static unsafe partial class AutogradInterop
{
    private const string Lib = NativeLibraryName.Value;

    [LibraryImport(Lib)] internal static partial int camloss_tensor_requires_grad(TensorHandle x, out int requiresGrad);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_set_requires_grad(TensorHandle x, int requiresGrad);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_is_leaf(TensorHandle x, out int isLeaf);
    [LibraryImport(Lib)] internal static partial int camloss_backward(TensorHandle x, TensorHandle gradient, int retainGraph, int createGraph);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_grad(TensorHandle x, out TensorHandle grad);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_clear_grad(TensorHandle x);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_detach(TensorHandle x, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_set_data(TensorHandle x, TensorHandle data);
    [LibraryImport(Lib)] internal static partial int camloss_grad_enabled(out int enabled);
    [LibraryImport(Lib)] internal static partial int camloss_set_grad_enabled(int enabled);

    [LibraryImport(Lib)]
    internal static partial int camloss_autograd_grad(IntPtr* outputs, long outputCount, IntPtr* inputs, long inputCount, IntPtr* gradOutputs, int retainGraph, int createGraph, int allowUnused, IntPtr* results);
}
