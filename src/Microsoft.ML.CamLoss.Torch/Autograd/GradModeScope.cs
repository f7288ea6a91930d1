namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Sets autograd's grad mode on this thread and restores the previous mode when disposed.</summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool _previous;
    private bool _disposed;

    internal GradModeScope(bool enabled)
    {
        _previous = Autograd.IsGradEnabled;
        Autograd.IsGradEnabled = enabled;
    }

    /// <summary>Restores the grad mode that was in force before this scope.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Autograd.IsGradEnabled = _previous;
        }
    }
}
