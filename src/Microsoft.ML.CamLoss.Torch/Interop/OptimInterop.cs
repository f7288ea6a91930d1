using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>optim.cpp</c>: one parameter's optimiser update.</summary>
internal static partial class OptimInterop
{
    private const string Lib = NativeLibraryName.Value;

    [LibraryImport(Lib)]
    internal static partial int camloss_sgd_update(TensorHandle param, ref IntPtr momentumBuffer, double lr, double momentum, double dampening, double weightDecay, int nesterov, int maximize);

    [LibraryImport(Lib)]
    internal static partial int camloss_adamw_update(TensorHandle param, TensorHandle expAvg, TensorHandle expAvgSq, TensorHandle maxExpAvgSq, long step, double lr, double beta1, double beta2, double eps, double weightDecay, int amsgrad, int maximize);
}
