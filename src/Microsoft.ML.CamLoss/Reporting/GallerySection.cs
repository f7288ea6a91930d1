using System.Globalization;
using System.Xml.Linq;
using Microsoft.ML.CamLoss.Explain;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// The report's CAM/CAAM gallery: the rows written by <see cref="ExplanationGallery"/> (read
/// through its <c>gallery.json</c>), embedded as PNG <c>data:</c> URIs, each with the true and
/// predicted class and the probability beside it, under one strip of column titles.
/// </summary>
internal static class GallerySection
{
    /// <summary>The gallery's figures, or null (with the reason added to <paramref name="missing"/>) when there is none.</summary>
    public static XElement? Render(string galleryDirectory, List<string> missing)
    {
        var indexPath = Path.Combine(galleryDirectory, ExplanationGallery.JsonFileName);
        if (!File.Exists(indexPath))
        {
            missing.Add($"No CAM/CAAM gallery: {indexPath} does not exist (ExplanationGallery.Write, behind 'camloss explain', writes it).");
            return null;
        }

        GalleryJson.Index index;
        try
        {
            index = GalleryJson.Read(indexPath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            missing.Add($"The gallery index could not be read: {e.Message}");
            return null;
        }

        var figures = new List<XElement>();
        (int Width, int Height)? firstSize = null;
        foreach (var image in index.Images)
        {
            var path = Path.Combine(galleryDirectory, image.RowFile);
            if (image.RowFile.Length == 0 || !File.Exists(path))
            {
                missing.Add($"Gallery picture {(image.RowFile.Length == 0 ? "(no file name)" : path)} for {image.Source} is missing.");
                continue;
            }

            var png = File.ReadAllBytes(path);
            var size = PngSize.Read(png);
            firstSize ??= size;
            figures.Add(Figure(image, png, size));
        }

        if (figures.Count == 0)
        {
            missing.Add($"The gallery at {galleryDirectory} lists no pictures that exist.");
            return null;
        }

        return HtmlPage.Element(
            "div",
            new XAttribute("class", "gallery"),
            HtmlPage.Element(
                "p",
                "Each row: the picture as the network saw it (resized and cropped as for scoring; small pictures enlarged), then, laid over it in jet colours ",
                "(red = the map's highest values, blue = its lowest, each map scaled to its own range): the CAM of the predicted class, ",
                "the class-agnostic activation map (CAAM), and Grad-CAM of the predicted class for comparison."),
            Header(index.Columns, firstSize),
            figures);
    }

    private static XElement Header(IReadOnlyList<string> columns, (int Width, int Height)? rowSize)
    {
        // The row picture is columns·w + (columns − 1)·gap wide, so each title gets one tile's width plus a gap.
        var tiles = Math.Max(1, columns.Count);
        var tileWidth = rowSize is { } size ? (size.Width - ((tiles - 1) * ExplanationGallery.TileGap)) / tiles : 128;
        return HtmlPage.Element(
            "div",
            new XAttribute("class", "gallery-header"),
            columns.Select((title, i) => HtmlPage.Element(
                "span",
                new XAttribute("style", string.Create(CultureInfo.InvariantCulture, $"width: {tileWidth + (i < tiles - 1 ? ExplanationGallery.TileGap : 0)}px")),
                title)));
    }

    private static XElement Figure(GalleryJson.Item image, byte[] png, (int Width, int Height)? size)
    {
        var correct = string.Equals(image.TrueLabel, image.PredictedLabel, StringComparison.Ordinal);
        var probability = double.IsNaN(image.Probability) ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" ({image.Probability * 100:F1}%)");
        return HtmlPage.Element(
            "figure",
            new XAttribute("class", "explained"),
            HtmlPage.Element(
                "img",
                new XAttribute("src", HtmlPage.DataUri("image/png", png)),
                new XAttribute("alt", $"{Path.GetFileName(image.Source)}: image, CAM, CAAM and Grad-CAM; true {image.TrueLabel}, predicted {image.PredictedLabel}"),
                size is { } s ? new XAttribute("width", s.Width) : null,
                size is { } t ? new XAttribute("height", t.Height) : null),
            HtmlPage.Element(
                "figcaption",
                HtmlPage.Element("div", "true: ", HtmlPage.Element("b", image.TrueLabel)),
                HtmlPage.Element("div", "predicted: ", HtmlPage.Element("span", new XAttribute("class", correct ? "correct" : "wrong"), image.PredictedLabel + probability)),
                HtmlPage.Element("div", new XAttribute("class", "source"), image.Source)));
    }
}
