using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>shape.cpp</c>: views, joins, slices and gathers.</summary>
internal static unsafe partial class ShapeInterop
{
    private const string Lib = NativeLibraryName.Value;

    [LibraryImport(Lib)] internal static partial int camloss_tensor_view(TensorHandle x, long* shape, long ndim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_reshape(TensorHandle x, long* shape, long ndim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_expand(TensorHandle x, long* shape, long ndim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_permute(TensorHandle x, long* dims, long ndim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_transpose(TensorHandle x, long dim0, long dim1, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_flatten(TensorHandle x, long startDim, long endDim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_squeeze(TensorHandle x, int hasDim, long dim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_unsqueeze(TensorHandle x, long dim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_contiguous(TensorHandle x, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_cat(IntPtr* xs, long count, long dim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_stack(IntPtr* xs, long count, long dim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_narrow(TensorHandle x, long dim, long start, long length, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_select(TensorHandle x, long dim, long index, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_slice(TensorHandle x, long dim, long start, long end, long step, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_index_select(TensorHandle x, long dim, TensorHandle index, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_gather(TensorHandle x, long dim, TensorHandle index, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_scatter(TensorHandle x, long dim, TensorHandle index, TensorHandle source, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_as_strided(TensorHandle x, long* sizes, long* strides, long ndim, long storageOffset, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_one_hot(TensorHandle labels, long numClasses, out TensorHandle result);
}
