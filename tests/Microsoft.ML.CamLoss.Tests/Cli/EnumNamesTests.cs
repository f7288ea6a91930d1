using Microsoft.ML.CamLoss.Cli;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Cli;

[TestClass]
public sealed class EnumNamesTests
{
    [TestMethod]
    [DataRow("resnet20", Architecture.ResNet20)]
    [DataRow("ResNet20", Architecture.ResNet20)]
    [DataRow("RESNET18", Architecture.ResNet18)]
    [DataRow("wideresnet28x10", Architecture.WideResNet28x10)]
    [DataRow("wide-resnet-28x10", Architecture.WideResNet28x10)]
    [DataRow("ResNeXt50x32x4d", Architecture.ResNeXt50x32x4d)]
    [DataRow("wide_resnet16x2", Architecture.WideResNet16x2)]
    [DataRow("resnext50_32x4d", Architecture.ResNeXt50x32x4d)]
    [DataRow("wide_resnet28_10", Architecture.WideResNet28x10)]
    [DataRow("resnet_110", Architecture.ResNet110)]
    public void Parse_AnyCaseAndSeparators_FindsTheValue(string text, Architecture expected) =>
        Assert.AreEqual(expected, EnumNames.Parse<Architecture>(text, "architecture"));

    [TestMethod]
    [DataRow("3")]
    [DataRow("resnet")]
    [DataRow("")]
    public void Parse_NotAName_ThrowsListingTheNames(string text)
    {
        var error = Assert.ThrowsExactly<CliException>(() => EnumNames.Parse<Architecture>(text, "architecture"));
        Assert.AreEqual(ExitCodes.Usage, error.ExitCode);
        Assert.StartsWith($"unknown architecture '{text}'; choose one of: resnet8, resnet20,", error.Message);
    }
}
