using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Owns one native <c>at::Tensor</c> allocated by the shim; released exactly once.</summary>
internal sealed class TensorHandle : SafeHandle
{
    /// <summary>Used by the interop marshaller for out-parameters.</summary>
    public TensorHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of a raw handle returned through an array out-parameter.</summary>
    public TensorHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    /// <summary>The null handle passed for an absent optional tensor argument; never released.</summary>
    public static TensorHandle Null { get; } = new();

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => TensorInterop.camloss_tensor_free(handle) == 0;
}
