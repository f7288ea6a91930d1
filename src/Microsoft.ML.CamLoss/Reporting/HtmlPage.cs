using System.Text;
using System.Xml.Linq;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// The report's page: one self-contained HTML file (inline CSS, inline SVG, pictures as
/// <c>data:</c> URIs; nothing fetched from anywhere) whose markup is also well-formed XML, so it
/// opens in any browser and parses with <see cref="XDocument"/>. The tree is built with
/// <see cref="XElement"/>, which escapes text and quotes attributes; <see cref="Serialize"/> then
/// writes every non-void element with an end tag (<c>&lt;td&gt;&lt;/td&gt;</c>, never
/// <c>&lt;td /&gt;</c>, which an HTML parser would leave open) and no namespace declaration.
/// </summary>
internal static class HtmlPage
{
    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal) { "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr" };

    /// <summary>
    /// The page's style sheet. It avoids the characters that XML escapes (angle brackets,
    /// ampersand): a style element is raw text to an HTML parser, which would not unescape them.
    /// </summary>
    private const string Css = """
        body { font-family: system-ui, sans-serif; color: #222; margin: 24px auto; max-width: 1180px; padding: 0 12px; line-height: 1.4; }
        h1 { font-size: 24px; margin: 0 0 4px 0; }
        h2 { font-size: 19px; margin: 28px 0 8px 0; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 16px 0 6px 0; }
        .subtitle { color: #555; margin: 0 0 12px 0; }
        table { border-collapse: collapse; }
        table.facts td, table.facts th, table.metrics td, table.metrics th { padding: 2px 12px 2px 0; text-align: left; vertical-align: top; }
        table.facts th, table.metrics th { font-weight: 600; color: #444; }
        table.metrics td.value { text-align: right; font-variant-numeric: tabular-nums; }
        .notice { background: #fff8e1; border: 1px solid #f0d98a; padding: 8px 12px; margin: 12px 0; }
        .notice ul { margin: 4px 0; padding-left: 20px; }
        .charts { display: flex; flex-wrap: wrap; gap: 12px; }
        .charts svg { border: 1px solid #eee; background: #fff; }
        .evaluation { display: flex; flex-wrap: wrap; gap: 32px; align-items: flex-start; }
        table.matrix { font-size: 12px; font-variant-numeric: tabular-nums; }
        table.matrix caption { caption-side: top; text-align: left; color: #555; padding-bottom: 6px; }
        table.matrix th, table.matrix td { border: 1px solid #e3e3e3; padding: 3px 5px; text-align: right; min-width: 22px; }
        table.matrix th { background: #f7f7f7; font-weight: 600; }
        table.matrix th.truth { text-align: left; white-space: nowrap; }
        table.matrix th.predicted { vertical-align: bottom; height: 90px; }
        table.matrix th.predicted span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; display: inline-block; }
        table.matrix td.zero { color: #bbb; }
        table.matrix td.recall, table.matrix td.precision, table.matrix td.logloss { background: #fafafa; color: #333; }
        table.matrix.dense { font-size: 9px; }
        table.matrix.dense th, table.matrix.dense td { padding: 1px 2px; min-width: 10px; }
        .gallery-header { display: flex; gap: 0; margin: 8px 0 4px 0; font-weight: 600; color: #444; font-size: 13px; }
        .gallery-header span { display: inline-block; text-align: center; }
        figure.explained { display: flex; gap: 16px; align-items: center; margin: 0 0 10px 0; }
        figure.explained img { display: block; image-rendering: pixelated; }
        figure.explained figcaption { font-size: 13px; }
        .correct { color: #1a7f37; font-weight: 600; }
        .wrong { color: #c62828; font-weight: 600; }
        .source { color: #777; font-size: 12px; word-break: break-all; }
        footer { margin-top: 32px; color: #888; font-size: 12px; }
        """;

    /// <summary>The whole page, <c>&lt;html&gt;</c> with a head (charset, title, style) and <paramref name="body"/>.</summary>
    public static XElement Document(string title, XElement body) => new(
        "html",
        new XAttribute("lang", "en"),
        new XElement(
            "head",
            new XElement("meta", new XAttribute("charset", "utf-8")),
            new XElement("meta", new XAttribute("name", "viewport"), new XAttribute("content", "width=device-width, initial-scale=1")),
            new XElement("title", Clean(title)),
            new XElement("style", Css)),
        body);

    /// <summary>An element with the given content (nulls are skipped; strings are cleaned of characters XML cannot hold).</summary>
    public static XElement Element(string name, params object?[] content) =>
        new(name, content.Select(c => c is string s ? Clean(s) : c).Where(c => c is not null));

    /// <summary>A <c>data:</c> URI holding <paramref name="bytes"/> (base64).</summary>
    public static string DataUri(string mediaType, byte[] bytes) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    /// <summary><paramref name="text"/> without the control characters XML 1.0 forbids (they would make the page unreadable as XML).</summary>
    public static string Clean(string text)
    {
        if (text.All(XmlConvertible))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            clean.Append(XmlConvertible(c) ? c : '\uFFFD');
        }

        return clean.ToString();
    }

    /// <summary>The page as text: <c>&lt;!DOCTYPE html&gt;</c> and the markup.</summary>
    public static string Serialize(XElement html)
    {
        foreach (var element in html.DescendantsAndSelf())
        {
            if (element.IsEmpty && !VoidElements.Contains(element.Name.LocalName))
            {
                element.Value = string.Empty;
            }
        }

        return "<!DOCTYPE html>\n" + html.ToString(SaveOptions.None) + "\n";
    }

    private static bool XmlConvertible(char c) => c >= ' ' || c is '\t' or '\n' or '\r';
}
