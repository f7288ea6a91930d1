using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>tensor.cpp</c> and <c>common.cpp</c>: creation, properties, copies.</summary>
internal static unsafe partial class TensorInterop
{
    private const string Lib = NativeLibraryName.Value;

    [LibraryImport(Lib)] internal static partial int camloss_tensor_free(IntPtr handle);
    [LibraryImport(Lib)] internal static partial int camloss_live_tensor_count(out long count);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_dim(TensorHandle x, out long dim);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_sizes(TensorHandle x, long* sizes, long capacity);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_strides(TensorHandle x, long* strides, long capacity);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_numel(TensorHandle x, out long numel);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_dtype(TensorHandle x, out int dtype);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_device(TensorHandle x, out int type, out int index);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_is_contiguous(TensorHandle x, out int contiguous);

    [LibraryImport(Lib)]
    internal static partial int camloss_tensor_empty(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad, out TensorHandle result);

    [LibraryImport(Lib)]
    internal static partial int camloss_tensor_full(long* shape, long ndim, double value, int dtype, int deviceType, int deviceIndex, int requiresGrad, out TensorHandle result);

    [LibraryImport(Lib)]
    internal static partial int camloss_tensor_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex, out TensorHandle result);

    [LibraryImport(Lib)]
    internal static partial int camloss_tensor_random(int kind, long* shape, long ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad, out TensorHandle result);

    [LibraryImport(Lib)]
    internal static partial int camloss_tensor_randint(long low, long high, long* shape, long ndim, int dtype, int deviceType, int deviceIndex, out TensorHandle result);

    [LibraryImport(Lib)] internal static partial int camloss_tensor_randperm(long n, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_random_(int kind, TensorHandle x, double a, double b);
    [LibraryImport(Lib)] internal static partial int camloss_manual_seed(ulong seed);

    [LibraryImport(Lib)]
    internal static partial int camloss_tensor_from_data(void* data, long byteCount, long* shape, long ndim, int dtype, out TensorHandle result);

    [LibraryImport(Lib)] internal static partial int camloss_tensor_copy_to(TensorHandle x, void* data, long byteCount);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_item_double(TensorHandle x, out double value);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_item_int64(TensorHandle x, out long value);

    [LibraryImport(Lib)]
    internal static partial int camloss_tensor_to(TensorHandle x, int dtype, int deviceType, int deviceIndex, int nonBlocking, out TensorHandle result);

    [LibraryImport(Lib)] internal static partial int camloss_tensor_pin_memory(TensorHandle x, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_clone(TensorHandle x, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_to_string(TensorHandle x, out IntPtr text);
}
