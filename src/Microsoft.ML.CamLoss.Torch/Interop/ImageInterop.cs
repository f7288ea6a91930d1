using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>image.cpp</c>: OpenCV decoding.</summary>
internal static unsafe partial class ImageInterop
{
    [LibraryImport(NativeLibraryName.Value)]
    internal static partial int camloss_image_decode(byte* data, long length, out TensorHandle result);
}
