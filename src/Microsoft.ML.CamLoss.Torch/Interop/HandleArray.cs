using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>
/// The raw handles of several tensors for one native call, each kept alive (AddRef) until
/// disposed, so that a concurrent Dispose cannot free a tensor the call is reading.
/// </summary>
internal readonly struct HandleArray : IDisposable
{
    private readonly SafeHandle?[] _owners;

    public HandleArray(IReadOnlyList<Tensor?> tensors)
    {
        _owners = new SafeHandle?[tensors.Count];
        Handles = new IntPtr[tensors.Count];
        for (var i = 0; i < tensors.Count; i++)
        {
            var handle = tensors[i]?.Handle;
            if (handle is null)
            {
                continue;
            }

            var added = false;
            handle.DangerousAddRef(ref added);
            _owners[i] = handle;
            Handles[i] = handle.DangerousGetHandle();
        }
    }

    /// <summary>The raw handles (zero where the tensor was null).</summary>
    public IntPtr[] Handles { get; }

    public void Dispose()
    {
        foreach (var owner in _owners)
        {
            owner?.DangerousRelease();
        }
    }
}
