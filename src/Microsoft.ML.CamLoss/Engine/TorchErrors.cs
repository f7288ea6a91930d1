using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss;

/// <summary>
/// Turns TorchSharp's errors into one line at our public API. TorchSharp raises libtorch's errors as
/// <see cref="ExternalException"/> whose message carries a C++ backtrace (13 lines and more); users
/// get <see cref="TorchException"/> with libtorch's first line, the full text kept as the inner exception.
/// </summary>
internal static class TorchErrors
{
    /// <summary>Runs <paramref name="operation"/>; a libtorch error becomes a <see cref="TorchException"/> whose message starts with <paramref name="what"/>.</summary>
    public static T Run<T>(Func<T> operation, string what)
    {
        try
        {
            return operation();
        }
        catch (ExternalException e)
        {
            throw Translate(e, what);
        }
    }

    /// <summary>Runs <paramref name="operation"/>; a libtorch error becomes a <see cref="TorchException"/>.</summary>
    public static void Run(Action operation, string what)
    {
        try
        {
            operation();
        }
        catch (ExternalException e)
        {
            throw Translate(e, what);
        }
    }

    /// <summary>A <see cref="TorchException"/> for <paramref name="error"/>: "<paramref name="what"/>: libtorch's first line".</summary>
    public static TorchException Translate(Exception error, string what) =>
        new($"{what}: {FirstLine(error.Message)}", error);

    /// <summary>The first non-empty line of a libtorch message, without the C++ backtrace that follows it.</summary>
    public static string FirstLine(string message)
    {
        foreach (var line in message.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                return trimmed;
            }
        }

        return "libtorch reported an error without a message.";
    }
}
