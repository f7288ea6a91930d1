using System.Runtime.InteropServices;
using Microsoft.ML.CamLoss.Cli;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

[TestClass]
public sealed class ErrorReportTests
{
    /// <summary>
    /// TorchSharp raises libtorch's errors as a bare ExternalException: libtorch's line, then its C++
    /// backtrace (the shape below is what TorchSharp 0.107 gives for a bad view).
    /// </summary>
    [TestMethod]
    public void OneLine_TorchSharpErrorWithBacktrace_KeepsLibtorchsFirstLineOnly()
    {
        var error = new ExternalException(
            "shape '[3, 5]' is invalid for input of size 16\n" +
            "Exception raised from infer_size_impl at /pytorch/aten/src/ATen/InferSize.h:94 (most recent call first):\n" +
            "frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x98 (0x7f in libc10.so)\n" +
            "frame #1: <unknown function> + 0x1234 (0x7f in libtorch_cpu.so)\n");

        var line = ErrorReport.OneLine(error);

        Assert.AreEqual("libtorch: shape '[3, 5]' is invalid for input of size 16 (run with --verbose for libtorch's full message)", line);
    }

    [TestMethod]
    public void Write_TorchSharpErrorVerbose_AddsTheBacktraceAfterTheLine()
    {
        var stderr = new StringWriter();
        var error = new ExternalException("expected scalar type Float but found Long\nException raised from check_type at ...\nframe #0: ...");

        var code = ErrorReport.Write(stderr, "camloss predict", error, verbose: true);

        Assert.AreEqual(ExitCodes.Failure, code);
        Assert.StartsWith("camloss predict: libtorch: expected scalar type Float but found Long (", stderr.ToString());
        Assert.Contains("frame #0", stderr.ToString());
    }
}
