namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// A network component with named parameters, buffers and sub-modules, as <c>torch.nn.Module</c>.
/// Names and registration order follow PyTorch, so state dicts use PyTorch's keys
/// (e.g. <c>layer1.0.bn1.running_mean</c>). A module owns its tensors and disposes them.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> _parameters = [];
    private readonly List<KeyValuePair<string, Tensor>> _buffers = [];
    private readonly List<KeyValuePair<string, Module>> _children = [];
    private bool _disposed;

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Parameters of this module and its descendants, with dotted names, in registration order.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters() => Collect(m => m._parameters);

    /// <summary>Buffers (e.g. BatchNorm running statistics) of this module and its descendants, with dotted names.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers() => Collect(m => m._buffers);

    /// <summary>Every parameter of this module and its descendants.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>The direct sub-modules, by name.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedChildren() => _children;

    /// <summary>This module (with an empty name) and every descendant, with dotted names, depth first.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedModules()
    {
        yield return new(string.Empty, this);
        foreach (var (name, child) in _children)
        {
            foreach (var (childName, module) in child.NamedModules())
            {
                yield return new(Join(name, childName), module);
            }
        }
    }

    /// <summary>
    /// Parameters then buffers, per module depth first, as PyTorch's <c>state_dict()</c>. The values
    /// are new handles (detached, sharing storage with the module); the caller disposes them.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var state = new OrderedDictionary<string, Tensor>();
        foreach (var (name, tensor) in StateEntries())
        {
            state.Add(name, tensor.Detach());
        }

        return state;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into this module's parameters and buffers
    /// (converting dtype and device as needed), as PyTorch's <c>load_state_dict</c>.
    /// </summary>
    /// <param name="stateDict">Values by PyTorch-style dotted name.</param>
    /// <param name="strict">When true (default), a missing or unexpected key is an error; when
    /// false they are only reported in the result (e.g. a pretrained backbone with a new head).</param>
    /// <returns>The keys the module has but the dict lacks, and the keys the dict has but the module lacks.</returns>
    /// <exception cref="InvalidOperationException">A shape differs (always), or keys differ in strict mode; the message lists them all.</exception>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateEntries().ToList();
        var ownNames = own.Select(e => e.Key).ToHashSet();
        var optional = Collect(m => m.OptionalStateKeys.Select(k => KeyValuePair.Create(k, k))).Select(e => e.Key).ToHashSet();
        var missing = own.Where(e => !stateDict.ContainsKey(e.Key) && !optional.Contains(e.Key)).Select(e => e.Key).ToList();
        var unexpected = stateDict.Keys.Where(k => !ownNames.Contains(k)).ToList();
        var mismatched = new List<string>();
        foreach (var (name, target) in own)
        {
            if (stateDict.TryGetValue(name, out var source) && !source.Shape.AsSpan().SequenceEqual(target.Shape))
            {
                mismatched.Add($"size mismatch for {name}: copying a param with shape [{string.Join(", ", source.Shape)}] from checkpoint, the shape in current model is [{string.Join(", ", target.Shape)}].");
            }
        }

        var result = new StateDictLoadResult(missing, unexpected);
        var errors = new List<string>(mismatched);
        if (strict)
        {
            if (missing.Count > 0)
            {
                errors.Insert(0, $"Missing key(s) in state_dict: {string.Join(", ", missing.Select(k => $"\"{k}\""))}.");
            }

            if (unexpected.Count > 0)
            {
                errors.Insert(missing.Count > 0 ? 1 : 0, $"Unexpected key(s) in state_dict: {string.Join(", ", unexpected.Select(k => $"\"{k}\""))}.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Error(s) in loading state_dict for {GetType().Name}:\n\t{string.Join("\n\t", errors)}");
        }

        using (Autograd.NoGrad())
        {
            foreach (var (name, target) in own)
            {
                if (stateDict.TryGetValue(name, out var source))
                {
                    target.CopyFrom(source);
                }
            }
        }

        return result;
    }

    /// <summary>Sets training mode on this module and its descendants. Returns this module.</summary>
    public Module Train(bool training = true)
    {
        foreach (var (_, module) in NamedModules())
        {
            module.IsTraining = training;
        }

        return this;
    }

    /// <summary>Sets evaluation mode (BatchNorm uses running statistics, Dropout is off). Returns this module.</summary>
    public Module Eval() => Train(false);

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> in place. Returns this module.</summary>
    /// <exception cref="TorchDeviceUnavailableException">CUDA was requested on a build or machine without it.</exception>
    public Module To(Device device) => Convert(t => t.To(device));

    /// <summary>Converts every floating-point parameter and buffer to <paramref name="dtype"/> in place. Returns this module.</summary>
    public Module To(ScalarType dtype) => Convert(t => IsFloatingPoint(t.DType) ? t.To(dtype) : null);

    /// <summary>Drops every parameter's gradient (as <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in Parameters())
        {
            parameter.ClearGrad();
        }
    }

    /// <summary>Releases every parameter, buffer and sub-module.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the module's tensors and sub-modules.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        foreach (var (_, tensor) in _parameters.Concat(_buffers))
        {
            tensor.Dispose();
        }

        foreach (var (_, child) in _children)
        {
            child.Dispose();
        }
    }

    /// <summary>
    /// Names of this module's own state entries that an older state dict may lack without being
    /// "missing" for <see cref="LoadStateDict"/> (they keep their value). Default: none.
    /// </summary>
    protected virtual IEnumerable<string> OptionalStateKeys => [];

    /// <summary>
    /// Registers (or replaces) a trainable parameter. The module takes ownership: the tensor is
    /// removed from any <see cref="TensorScope"/> and marked as requiring gradients.
    /// </summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        tensor.DetachFromScope().RequiresGrad = true;
        return Register(_parameters, name, tensor);
    }

    /// <summary>Registers (or replaces) a non-trainable tensor saved in the state dict. The module takes ownership.</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor) => Register(_buffers, name, tensor.DetachFromScope());

    /// <summary>Registers (or replaces, disposing the old one) a sub-module.</summary>
    protected T RegisterModule<T>(string name, T module)
        where T : Module => (T)Register(_children, name, (Module)module);

    private static TValue Register<TValue>(List<KeyValuePair<string, TValue>> list, string name, TValue value)
        where TValue : IDisposable
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.'))
        {
            throw new ArgumentException($"'{name}' contains '.', which separates names in a state dict.", nameof(name));
        }

        var index = list.FindIndex(e => e.Key == name);
        if (index < 0)
        {
            list.Add(new(name, value));
        }
        else
        {
            if (!ReferenceEquals(list[index].Value, value))
            {
                list[index].Value.Dispose();
            }

            list[index] = new(name, value);
        }

        return value;
    }

    private IEnumerable<KeyValuePair<string, Tensor>> StateEntries() => Collect(m => m._parameters.Concat(m._buffers));

    private IEnumerable<KeyValuePair<string, T>> Collect<T>(Func<Module, IEnumerable<KeyValuePair<string, T>>> select)
    {
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, value) in select(module))
            {
                yield return new(Join(prefix, name), value);
            }
        }
    }

    private Module Convert(Func<Tensor, Tensor?> convert)
    {
        foreach (var (_, tensor) in StateEntries())
        {
            using var converted = convert(tensor);
            if (converted is not null)
            {
                tensor.SetData(converted);
            }
        }

        return this;
    }

    private static bool IsFloatingPoint(ScalarType type) =>
        type is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16;

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : name.Length == 0 ? prefix : $"{prefix}.{name}";
}
