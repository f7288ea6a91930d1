namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Where an image's pixels come from: a file, encoded bytes, a stream, or pixels already held in
/// memory (CIFAR, IDX). Encoded sources are decoded by <see cref="ImageDecoding"/>.
/// </summary>
public abstract class ImageSource
{
    private protected ImageSource()
    {
    }

    /// <summary>The name used in error messages: the file path, or the name given for bytes and streams.</summary>
    public abstract string Name { get; }

    /// <summary>The file path, for file sources; otherwise null.</summary>
    public virtual string? FilePath => null;

    /// <summary>An image file, read when it is decoded.</summary>
    public static ImageSource FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileSource(Path.GetFullPath(path));
    }

    /// <summary>Encoded image bytes (JPEG, PNG, BMP, WebP …); the memory must stay unchanged.</summary>
    /// <param name="encoded">The encoded image.</param>
    /// <param name="name">Name for error messages; default <c>&lt;bytes&gt;</c>.</param>
    public static ImageSource FromBytes(ReadOnlyMemory<byte> encoded, string? name = null) =>
        new BytesSource(encoded, name ?? "<bytes>");

    /// <summary>An encoded image read from <paramref name="stream"/> now (to its end), so it can be decoded every epoch.</summary>
    /// <param name="stream">The stream; it is read but not disposed.</param>
    /// <param name="name">Name for error messages; default <c>&lt;stream&gt;</c>.</param>
    public static ImageSource FromStream(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new BytesSource(copy.ToArray(), name ?? "<stream>");
    }

    /// <summary>An encoded image read from a stream opened (and disposed) each time it is decoded.</summary>
    /// <param name="open">Opens the stream.</param>
    /// <param name="name">Name for error messages.</param>
    public static ImageSource FromStream(Func<Stream> open, string name)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new StreamSource(open, name);
    }

    /// <summary>The encoded bytes. Throws <see cref="DatasetException"/> naming the source when they cannot be read.</summary>
    internal abstract ReadOnlyMemory<byte> ReadEncoded();

    /// <inheritdoc/>
    public override string ToString() => Name;

    private sealed class FileSource(string path) : ImageSource
    {
        public override string Name => path;

        public override string? FilePath => path;

        internal override ReadOnlyMemory<byte> ReadEncoded()
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new DatasetException(path, "the image file does not exist.", innerException: e);
            }
            catch (UnauthorizedAccessException e) when (Directory.Exists(path))
            {
                throw new DatasetException(path, "is a folder, not an image file.", innerException: e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DatasetException(path, $"the image file cannot be read ({e.Message}).", innerException: e);
            }
        }
    }

    private sealed class BytesSource(ReadOnlyMemory<byte> encoded, string name) : ImageSource
    {
        public override string Name => name;

        internal override ReadOnlyMemory<byte> ReadEncoded() => encoded;
    }

    private sealed class StreamSource(Func<Stream> open, string name) : ImageSource
    {
        public override string Name => name;

        internal override ReadOnlyMemory<byte> ReadEncoded()
        {
            try
            {
                using var stream = open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                throw new DatasetException(name, $"the image stream cannot be read ({e.Message}).", innerException: e);
            }
        }
    }
}
