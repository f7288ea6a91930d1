namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// Disposes every tensor created on this thread while it is the innermost scope, unless the
/// tensor was moved out with <see cref="MoveOut"/> or <see cref="Tensor.MoveToOuterScope"/>.
/// Use one per training step: <c>using var scope = new TensorScope();</c>.
/// </summary>
/// <remarks>Scopes nest per thread and must be disposed in reverse order of creation.</remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    private readonly TensorScope? _outer;
    private readonly List<Tensor> _tensors = [];
    private bool _disposed;

    /// <summary>Opens a scope on the current thread; it becomes the innermost one.</summary>
    public TensorScope()
    {
        _outer = t_current;
        t_current = this;
    }

    /// <summary>The innermost open scope of this thread, or null.</summary>
    internal static TensorScope? Current => t_current;

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int Count => _tensors.Count(t => t.OwningScope == this);

    /// <summary>Gives <paramref name="tensor"/> to the enclosing scope (or to the caller) and returns it.</summary>
    public Tensor MoveOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.OwningScope != this)
        {
            throw new InvalidOperationException("The tensor does not belong to this scope.");
        }

        tensor.OwningScope = null;
        _outer?.Register(tensor);
        return tensor;
    }

    /// <summary>Disposes the tensors this scope still owns and closes it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var tensor in _tensors)
        {
            if (tensor.OwningScope == this)
            {
                tensor.OwningScope = null;
                tensor.Dispose();
            }
        }

        _tensors.Clear();
        if (t_current == this)
        {
            t_current = _outer;
        }
        else
        {
            throw new InvalidOperationException(
                "TensorScope disposed out of order (or on another thread): dispose inner scopes first.");
        }
    }

    internal void Register(Tensor tensor)
    {
        tensor.OwningScope = this;
        _tensors.Add(tensor);
    }

    internal void Forget(Tensor tensor) => tensor.OwningScope = null;
}
