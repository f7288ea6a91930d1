using Microsoft.ML.CamLoss.Losses;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Losses;

[TestClass]
public sealed class DistillationTests
{
    [TestMethod]
    [DataRow("distillation_down", DistillationMethod.Kd)]
    [DataRow("distillation_down", DistillationMethod.At)]
    [DataRow("distillation_down", DistillationMethod.Ccm)]
    [DataRow("distillation_up", DistillationMethod.Kd)]
    [DataRow("distillation_up", DistillationMethod.At)]
    [DataRow("distillation_up", DistillationMethod.Ccm)]
    public void Compute_FixtureCase_MatchesPyTorchValuesAndGradients(string name, DistillationMethod method)
    {
        using var scope = torch.NewDisposeScope();
        var (student, teacher, sf, sw, sb) = Networks(name);
        var labels = LossFixture.Load(name, "inputs", "labels");
        var loss = new DistillationLoss(new DistillationLoss.Options { Method = method });
        var key = method.ToString().ToLowerInvariant();
        Assert.AreEqual(LossFixture.Number(name, key, "gamma"), loss.Gamma, "the method's default γ");
        using var result = loss.Compute(student, teacher, labels);
        result.Total.backward();

        var what = $"{name}/{key}";
        Parity.Value(LossFixture.Number(name, key, "total"), result.Total, $"{what} total");
        Parity.Value(LossFixture.Number(name, key, "ce"), result.CrossEntropy, $"{what} ce");
        Parity.Value(LossFixture.Number(name, key, "kd"), result.Kd, $"{what} kd");
        if (method == DistillationMethod.Kd)
        {
            Assert.IsNull(result.Transfer);
        }
        else
        {
            Parity.Value(LossFixture.Number(name, key, "transfer"), result.Transfer!, $"{what} transfer");
        }

        Parity.Gradient(LossFixture.Load(name, key, "grad_features"), sf.grad, $"{what} dL/dF_S");
        Parity.Gradient(LossFixture.Load(name, key, "grad_weight"), sw.grad, $"{what} dL/dW_S");
        Parity.Gradient(LossFixture.Load(name, key, "grad_bias"), sb.grad, $"{what} dL/db_S");
    }

    [TestMethod]
    [DataRow(DistillationMethod.Kd)]
    [DataRow(DistillationMethod.At)]
    [DataRow(DistillationMethod.Ccm)]
    public void Compute_TeacherInputs_ReceiveNoGradient(DistillationMethod method)
    {
        using var scope = torch.NewDisposeScope();
        var (student, _, _, _, _) = Networks("distillation_down");
        var tf = LossFixture.Leaf("distillation_down", "inputs", "teacher_features");
        var tw = LossFixture.Leaf("distillation_down", "inputs", "teacher_weight");
        var tb = LossFixture.Leaf("distillation_down", "inputs", "teacher_bias");
        var teacher = new ClassifierOutputs(CamLossTests.Head(tf, tw, tb), tf, tw);
        using var result = new DistillationLoss(new DistillationLoss.Options { Method = method })
            .Compute(student, teacher, LossFixture.Load("distillation_down", "inputs", "labels"));
        result.Total.backward();
        Assert.IsNull(tf.grad, "teacher features");
        Assert.IsNull(tw.grad, "teacher weight");
        Assert.IsNull(tb.grad, "teacher bias (through the teacher's logits)");
    }

    [TestMethod]
    public void KnowledgeDistillation_IdenticalLogits_IsZero()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var logits = torch.randn([16, 10]) * 5;
        Assert.AreEqual(0.0, DistillationTerms.KnowledgeDistillation(logits, logits.clone()).item<float>(), 1e-6);
    }

    [TestMethod]
    public void KnowledgeDistillation_Temperature_ScalesAsTauSquaredKl()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var (student, teacher) = (torch.randn([8, 5]), torch.randn([8, 5]));
        var kl = (nn.functional.kl_div(nn.functional.log_softmax(student / 2.0, 1), nn.functional.softmax(teacher / 2.0, 1), log_target: false, reduction: nn.Reduction.Sum) / 8).item<float>();   // batchmean
        Assert.AreEqual(4 * kl, DistillationTerms.KnowledgeDistillation(student, teacher, temperature: 2).item<float>(), 1e-6);
    }

    [TestMethod]
    public void Options_Defaults_FollowThePaper()
    {
        var ccm = new DistillationLoss();
        Assert.AreEqual(DistillationMethod.Ccm, ccm.Method);
        Assert.AreEqual(1.0, ccm.Gamma);
        Assert.AreEqual(MapDistance.L1, ccm.Distance);
        var at = new DistillationLoss(new DistillationLoss.Options { Method = DistillationMethod.At });
        Assert.AreEqual(10.0, at.Gamma);
        Assert.AreEqual(MapDistance.L2, at.Distance);
        Assert.AreEqual(0.0, new DistillationLoss(new DistillationLoss.Options { Method = DistillationMethod.Kd }).Gamma);
        Assert.AreEqual(2.5, new DistillationLoss(new DistillationLoss.Options { Method = DistillationMethod.At, Gamma = 2.5 }).Gamma);
    }

    [TestMethod]
    public void AttentionTransfer_StudentWeightNotDetached_WeightReceivesGradient()
    {
        using var scope = torch.NewDisposeScope();
        var (_, _, sf, sw, _) = Networks("distillation_down");
        var tf = LossFixture.Load("distillation_down", "inputs", "teacher_features");
        var tw = LossFixture.Load("distillation_down", "inputs", "teacher_weight");
        var labels = LossFixture.Load("distillation_down", "inputs", "labels");
        DistillationTerms.AttentionTransfer(sf, sw, tf, tw, labels).backward();
        Assert.IsNull(sw.grad, "detached by default");
        DistillationTerms.AttentionTransfer(sf, sw, tf, tw, labels, detachStudentWeight: false).backward();
        Assert.IsTrue(sw.grad!.abs().sum().item<float>() > 0);
    }

    [TestMethod]
    public void CamMatching_StudentCaamEqualsTeacherCam_IsZero()
    {
        using var scope = torch.NewDisposeScope();
        var (_, _, sf, _, _) = Networks("distillation_down");
        var labels = LossFixture.Load("distillation_down", "inputs", "labels");
        var teacherWeight = torch.full([10, 4], 0.5);   // teacher = student features, every class row constant
        Assert.AreEqual(0.0, DistillationTerms.CamMatching(sf, sf * 2.0, teacherWeight, labels).item<float>(), 1e-6);
    }

    [TestMethod]
    public void CamMatching_TeacherBatchDiffers_ThrowsNamingShapes()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.ThrowsExactly<ArgumentException>(() => DistillationTerms.CamMatching(
            torch.zeros([4, 3, 4, 4]), torch.zeros([5, 6, 8, 8]), torch.zeros([10, 6]), torch.zeros([4], ScalarType.Int64)));
        StringAssert.Contains(error.Message, "[5, 6, 8, 8]");
        StringAssert.Contains(error.Message, "[4, 3, 4, 4]");
    }

    [TestMethod]
    public void Compute_AtWithoutStudentWeight_ThrowsNamingIt()
    {
        using var scope = torch.NewDisposeScope();
        var (student, teacher, _, _, _) = Networks("distillation_down");
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            new DistillationLoss(new DistillationLoss.Options { Method = DistillationMethod.At })
                .Compute(student with { ClassifierWeight = null }, teacher, LossFixture.Load("distillation_down", "inputs", "labels")));
        StringAssert.Contains(error.Message, "student.ClassifierWeight");
    }

    private static (ClassifierOutputs Student, ClassifierOutputs Teacher, Tensor Features, Tensor Weight, Tensor Bias) Networks(string name)
    {
        var sf = LossFixture.Leaf(name, "inputs", "student_features");
        var sw = LossFixture.Leaf(name, "inputs", "student_weight");
        var sb = LossFixture.Leaf(name, "inputs", "student_bias");
        var tf = LossFixture.Load(name, "inputs", "teacher_features");
        var tw = LossFixture.Load(name, "inputs", "teacher_weight");
        var tb = LossFixture.Load(name, "inputs", "teacher_bias");
        return (new ClassifierOutputs(CamLossTests.Head(sf, sw, sb), sf, sw), new ClassifierOutputs(CamLossTests.Head(tf, tw, tb), tf, tw), sf, sw, sb);
    }
}
