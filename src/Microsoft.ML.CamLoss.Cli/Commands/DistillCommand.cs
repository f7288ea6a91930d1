using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Models;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Cli.Training;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary><c>camloss distill</c>: trains a student from a frozen teacher by KD, AT or CCM.</summary>
internal sealed class DistillCommand : CliCommand
{
    private static readonly CcmDistillationTrainer.Options Defaults = new();

    private readonly TrainingSession _session = new();

    private readonly Option<string> _teacher = new("--teacher")
    {
        Description = "The teacher: the run folder of its training (or its checkpoint.camloss-ckpt), or a PyTorch checkpoint with --teacher-arch (not an ML.NET zip or ONNX file: distillation needs the teacher's network). It must know the data's classes.",
        HelpName = "model",
        Required = true,
    };

    private readonly Option<Architecture?> _teacherArch = CliOptions.Enum<Architecture>(
        "--teacher-arch", "architecture", "The teacher's architecture, needed when --teacher is a PyTorch checkpoint.");

    private readonly Option<Architecture?> _studentArch = Required(CliOptions.Enum<Architecture>("--student-arch", "architecture", "The student network to train."));

    private readonly Option<DistillationMethod?> _mode = CliOptions.Enum<DistillationMethod>(
        "--mode", "mode", $"kd: soft targets only; at: plus attention transfer between CAMs; ccm: plus class-agnostic CAM matching (default {EnumNames.Of(Defaults.Method)}).");

    private readonly Option<double?> _temperature = CliOptions.Value<double>("--temperature", $"Softmax temperature τ of the KD term (default {Invariant.Format(Defaults.Temperature)}).", "tau");
    private readonly Option<double?> _beta = CliOptions.Value<double>("--beta", $"Weight β of cross-entropy against 1 − β of KD (default {Invariant.Format(Defaults.Beta)}).", "beta");
    private readonly Option<double?> _gamma = CliOptions.Value<double>("--gamma", "Weight γ of the transfer term (default 10 for at, 1 for ccm).", "gamma");

    /// <summary>Creates the command and its options.</summary>
    public DistillCommand()
        : base("distill", "Train a student network from a frozen teacher (KD, attention transfer, or CCM) on a data set folder and save it; same run folder, Ctrl+C and --resume as train.")
    {
        Add(_teacher, _teacherArch, _studentArch, _mode, _temperature, _beta, _gamma);
        _session.AddTo(Command);
    }

    /// <inheritdoc />
    public override int Execute(ParseResult parse, CliContext context)
    {
        var teacher = parse.GetRequiredValue(_teacher);
        var teacherArchitecture = parse.GetValue(_teacherArch);
        var kind = ModelSniffer.Detect(teacher);
        switch (kind)
        {
            case ModelKind.Missing:
                throw new CliException("teacher " + PathKinds.Describe(teacher, PathKinds.Of(teacher), ModelOptions.MissingHint(teacher, "--teacher", "takes a run folder or its checkpoint, or a PyTorch checkpoint with --teacher-arch")));
            case ModelKind.OnnxGraph or ModelKind.MLNetModel:
                throw new CliException(ModelOptions.WrongKind(teacher, kind, "a teacher's features and CAMs come from its network", "--teacher", "--teacher-arch"), ExitCodes.Usage);
            case ModelKind.PyTorchCheckpoint when teacherArchitecture is null:
                throw new CliException($"teacher '{teacher}' is a PyTorch checkpoint, which does not record its architecture; pass --teacher-arch (e.g. --teacher-arch resnet56)", ExitCodes.Usage);
            case ModelKind.Other when teacherArchitecture is null:
                ImageClassificationModel.FromCheckpoint(teacher).Dispose();   // a damaged or foreign file: the loader's account of what it is, before any training
                break;
        }

        var options = new CcmDistillationTrainer.Options
        {
            TeacherPath = Path.GetFullPath(teacher),   // a run folder, its checkpoint or PyTorch weights: TeacherPath takes each
            TeacherArchitecture = teacherArchitecture,
            Method = parse.GetValue(_mode) ?? Defaults.Method,
            Temperature = parse.GetValue(_temperature) ?? Defaults.Temperature,
            Beta = parse.GetValue(_beta) ?? Defaults.Beta,
            Gamma = parse.GetValue(_gamma),
        };
        return _session.Run(parse, context, parse.GetValue(_studentArch)!.Value, options, () => new CcmDistillationTrainer(options));
    }

    private static Option<T> Required<T>(Option<T> option)
    {
        option.Required = true;
        return option;
    }
}
