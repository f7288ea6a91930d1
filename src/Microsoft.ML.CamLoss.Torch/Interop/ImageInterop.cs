using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>image.cpp</c>: OpenCV decoding and encoding.</summary>
internal static unsafe partial class ImageInterop
{
    [LibraryImport(NativeLibraryName.Value)]
    internal static partial int camloss_image_decode(byte* data, long length, out TensorHandle result);

    /// <summary>Encodes a uint8 [H, W, 3] / [H, W] / [H, W, 1] image; the bytes come back as a 1-D uint8 tensor.</summary>
    [LibraryImport(NativeLibraryName.Value)]
    internal static partial int camloss_image_encode(TensorHandle image, int format, int quality, out TensorHandle result);
}
