using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// Tells ML.NET's type system that an <see cref="MLImage"/> field without <c>[ImageType(h, w)]</c> is an image of any size
/// (<see cref="ImageDataViewType"/>). ML.NET 5.0.1 knows MLImage only through that attribute, whose size-less form fails
/// ("Must be positive"), and decoded images have every size. Idempotent and thread-safe.
/// </summary>
internal static class MLImageType
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    public static void Register()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            try
            {
                DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage));
            }
            catch (ArgumentException)
            {
                // Registered already (by the application): ML.NET knows the type either way.
            }

            _registered = true;
        }
    }
}
