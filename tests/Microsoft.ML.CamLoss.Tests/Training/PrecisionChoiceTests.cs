using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>How <see cref="TrainingPrecision"/> resolves on each kind of hardware (the capability forced, so every case runs here).</summary>
[TestClass]
public sealed class PrecisionChoiceTests
{
    private static readonly HardwareSupport PlainCpu = Cpu();
    private static readonly HardwareSupport Bf16Cpu = Cpu("avx512_bf16");

    [TestMethod]
    public void Resolve_AutoOnACpuWithAvx512Bf16_PicksBf16SayingWhy()
    {
        var choice = PrecisionChoice.Resolve(TrainingPrecision.Auto, DeviceType.CPU, Bf16Cpu);
        Assert.AreEqual(TrainingPrecision.Bf16, choice.Precision);
        Assert.AreEqual("bf16 (auto: the CPU has avx512_bf16)", choice.ToString());
        Assert.IsNull(choice.Warning);
        Assert.AreEqual(TorchSharp.torch.ScalarType.BFloat16, choice.ComputeType);
        Assert.IsFalse(choice.ScalesLoss);
    }

    [TestMethod]
    public void Resolve_AutoOnACpuWithAmxOnly_PicksBf16()
    {
        var choice = PrecisionChoice.Resolve(TrainingPrecision.Auto, DeviceType.CPU, Cpu("amx_bf16"));
        Assert.AreEqual(TrainingPrecision.Bf16, choice.Precision);
        StringAssert.Contains(choice.Reason, "amx_bf16");
    }

    [TestMethod]
    public void Resolve_AutoOnACpuWithoutBf16_FallsBackToFp32SayingWhy()
    {
        var choice = PrecisionChoice.Resolve(TrainingPrecision.Auto, DeviceType.CPU, PlainCpu);
        Assert.AreEqual(TrainingPrecision.Fp32, choice.Precision);
        Assert.AreEqual("fp32 (auto: the CPU has neither avx512_bf16 nor amx_bf16)", choice.ToString());
        Assert.IsNull(choice.Warning);
        Assert.IsNull(choice.ComputeType);
    }

    [TestMethod]
    [DataRow(8, 0, TrainingPrecision.Bf16)]
    [DataRow(9, 0, TrainingPrecision.Bf16)]
    [DataRow(7, 5, TrainingPrecision.Fp32)]
    public void Resolve_AutoOnCuda_PicksBf16FromCapability8(int major, int minor, TrainingPrecision expected)
    {
        var choice = PrecisionChoice.Resolve(TrainingPrecision.Auto, DeviceType.CUDA, new HardwareSupport(new HashSet<string>(), (major, minor)));
        Assert.AreEqual(expected, choice.Precision);
        StringAssert.Contains(choice.Reason, $"compute capability is {major}.{minor}");
    }

    [TestMethod]
    public void Resolve_AutoOnCudaOfUnknownCapability_StaysFp32()
    {
        var choice = PrecisionChoice.Resolve(TrainingPrecision.Auto, DeviceType.CUDA, new HardwareSupport(new HashSet<string>(), null));
        Assert.AreEqual(TrainingPrecision.Fp32, choice.Precision);
        StringAssert.Contains(choice.Reason, "could not be read");
    }

    [TestMethod]
    public void Resolve_Bf16OnACpuWithoutBf16_KeepsBf16AndWarnsOfTheSlowdown()
    {
        var choice = PrecisionChoice.Resolve(TrainingPrecision.Bf16, DeviceType.CPU, PlainCpu);
        Assert.AreEqual(TrainingPrecision.Bf16, choice.Precision);
        Assert.IsNotNull(choice.Warning);
        StringAssert.Contains(choice.Warning, "neither avx512_bf16 nor amx_bf16");
        StringAssert.Contains(choice.Warning, "slower than float32");
        StringAssert.Contains(choice.Warning, "--precision auto or fp32");
    }

    [TestMethod]
    public void Resolve_Bf16OnAGpuWithoutBf16_TrainsInFp16WithLossScaling()
    {
        var choice = PrecisionChoice.Resolve(TrainingPrecision.Bf16, DeviceType.CUDA, new HardwareSupport(new HashSet<string>(), (7, 0)));
        Assert.AreEqual(TrainingPrecision.Fp16, choice.Precision);
        Assert.IsTrue(choice.ScalesLoss);
        StringAssert.Contains(choice.Warning, "float16 with loss scaling");
    }

    [TestMethod]
    public void Resolve_Fp16OnACpuWithoutFp16_WarnsAndScalesTheLoss()
    {
        var choice = PrecisionChoice.Resolve(TrainingPrecision.Fp16, DeviceType.CPU, Bf16Cpu);
        Assert.AreEqual(TrainingPrecision.Fp16, choice.Precision);
        Assert.IsTrue(choice.ScalesLoss);
        StringAssert.Contains(choice.Warning, "emulates float16");
        StringAssert.Contains(choice.Warning, "Auto, Bf16 or Fp32");
        Assert.IsNull(PrecisionChoice.Resolve(TrainingPrecision.Fp16, DeviceType.CPU, Cpu("avx512_fp16")).Warning);
        Assert.IsNull(PrecisionChoice.Resolve(TrainingPrecision.Fp16, DeviceType.CUDA, new HardwareSupport(new HashSet<string>(), (7, 0))).Warning);
    }

    [TestMethod]
    public void Resolve_Fp32_IsFp32Everywhere()
    {
        foreach (var (device, hardware) in new[] { (DeviceType.CPU, Bf16Cpu), (DeviceType.CUDA, new HardwareSupport(new HashSet<string>(), (9, 0))) })
        {
            var choice = PrecisionChoice.Resolve(TrainingPrecision.Fp32, device, hardware);
            Assert.AreEqual("fp32 (requested)", choice.ToString());
            Assert.IsNull(choice.Warning);
        }
    }

    [TestMethod]
    public void ParseCpuInfo_FlagsLine_KeepsThe16BitFlags()
    {
        const string CpuInfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu vme avx512f avx512_bf16 amx_tile amx_bf16 avx512_vnni\nbugs\t\t: sysret_ss_attrs\n\nprocessor\t: 1\nflags\t\t: fpu\n";
        CollectionAssert.AreEquivalent(new[] { "avx512_bf16", "amx_bf16" }, HardwareSupport.ParseCpuInfo(CpuInfo).ToArray());
        Assert.IsEmpty(HardwareSupport.ParseCpuInfo("processor : 0\nFeatures : fp asimd bf16\n"));
    }

    [TestMethod]
    public void Detect_ThisMachine_ReadsTheKernelsFlags()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            Assert.Inconclusive("no /proc/cpuinfo here");
        }

        var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(' ') ?? [];
        var hardware = HardwareSupport.Detect(cuda: false);
        Assert.AreEqual(flags.Contains("avx512_bf16") || flags.Contains("amx_bf16"), hardware.CpuBFloat16);
        Assert.IsNull(hardware.CudaCapability);
    }

    [TestMethod]
    public void Force_SetsDetectUntilDisposed()
    {
        using (HardwareSupport.Force(PlainCpu))
        {
            Assert.AreSame(PlainCpu, HardwareSupport.Detect(cuda: false));
        }

        Assert.AreNotSame(PlainCpu, HardwareSupport.Detect(cuda: false));
    }

    internal static HardwareSupport Cpu(params string[] flags) => new(new HashSet<string>(flags, StringComparer.Ordinal), null);
}
