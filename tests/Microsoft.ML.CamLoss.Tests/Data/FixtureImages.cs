namespace Microsoft.ML.CamLoss.Tests.Data;

/// <summary>The small images written by Reference/generate_image_fixtures.py (Fixtures/images/).</summary>
public static class FixtureImages
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "images", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    /// <summary>A valid 24×16 RGB JPEG.</summary>
    public static byte[] Jpeg => Bytes("rgb.jpg");
}
