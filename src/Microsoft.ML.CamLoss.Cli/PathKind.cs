using Microsoft.ML.CamLoss.Data;

namespace Microsoft.ML.CamLoss.Cli;

/// <summary>What a path given on the command line turns out to be, for messages that say the right thing.</summary>
internal enum PathKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A file (or a link to one).</summary>
    File,

    /// <summary>A folder (or a link to one).</summary>
    Folder,

    /// <summary>A symbolic link that reaches nothing: a loop, or a missing target.</summary>
    DanglingLink,
}

/// <summary>Tells the kinds apart (<see cref="File.Exists"/> alone calls a link loop a file).</summary>
internal static class PathKinds
{
    /// <summary>The kind of <paramref name="path"/>.</summary>
    public static PathKind Of(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            try
            {
                if (info.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true } target)
                {
                    return PathKind.DanglingLink;
                }

                return target is DirectoryInfo ? PathKind.Folder : PathKind.File;
            }
            catch (IOException)
            {
                return PathKind.DanglingLink;   // too many levels of links: a loop
            }
        }

        return Directory.Exists(path) ? PathKind.Folder : File.Exists(path) ? PathKind.File : PathKind.Missing;
    }

    /// <summary>How to say that <paramref name="path"/>, a <paramref name="kind"/>, is not the <paramref name="wanted"/> the option takes.</summary>
    public static string Describe(string path, PathKind kind, string wanted) => kind switch
    {
        PathKind.Missing when UndecodableFileNames.IsUndecodable(path) => $"'{path}' cannot be opened: {UndecodableFileNames.Advice}",
        PathKind.Missing => $"'{path}' does not exist; {wanted}",
        PathKind.File => $"'{path}' is a file; {wanted}",
        PathKind.Folder => $"'{path}' is a folder; {wanted}",
        _ => $"'{path}' is a symbolic link that reaches nothing (a loop or a missing target); {wanted}",
    };
}
