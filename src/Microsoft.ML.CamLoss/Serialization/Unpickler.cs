using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// A restricted reader of Python pickles (protocols 0 to 5) that builds plain data only.
/// </summary>
/// <remarks>
/// Values become: None → null, bool, int → <see cref="long"/> (or <see cref="System.Numerics.BigInteger"/>),
/// float → <see cref="double"/>, str → <see cref="string"/>, bytes → <see cref="byte"/>[], tuple →
/// <see cref="PickleTuple"/>, list → <see cref="List{T}"/>, dict and OrderedDict →
/// <see cref="OrderedDictionary{TKey, TValue}"/> (insertion order, as Python), set → <see cref="HashSet{T}"/>.
/// Globals are looked up only in <see cref="PickleGlobals"/>: any other global is refused with an
/// <see cref="UnsafeCheckpointException"/> the moment it is read, so nothing in the file is ever run.
/// <c>BUILD</c> state on a dict or tensor (e.g. a state dict's <c>_metadata</c>) is dropped.
/// </remarks>
internal sealed class Unpickler
{
    private const int MaxLineLength = 1 << 16;

    private readonly Stream _stream;
    private readonly string _path;
    private readonly string _what;
    private readonly Func<object?, object?>? _persistentLoad;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];

    /// <summary>A reader of one pickle at the current position of <paramref name="stream"/>.</summary>
    /// <param name="stream">A seekable stream; reading stops right after the pickle's STOP opcode.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="what">Which pickle of the file this is, for messages (e.g. <c>data.pkl</c>).</param>
    /// <param name="persistentLoad">Turns a persistent id (a storage reference) into an object; null when the pickle may have none.</param>
    public Unpickler(Stream stream, string path, string what, Func<object?, object?>? persistentLoad)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The unpickler needs a seekable stream.", nameof(stream));
        }

        _stream = stream;
        _path = path;
        _what = what;
        _persistentLoad = persistentLoad;
    }

    /// <summary>Reads the pickle up to its STOP opcode and returns its object.</summary>
    /// <exception cref="UnsafeCheckpointException">The pickle names a global that is not allowed.</exception>
    /// <exception cref="CheckpointFormatException">The pickle is malformed or ends early.</exception>
    public object? Load()
    {
        var position = _stream.Position;
        try
        {
            while (true)
            {
                position = _stream.Position;
                if (Step((PickleOpcode)ReadByte()))
                {
                    return Pop();
                }
            }
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointFormatException(_path,
                $"the file ends inside its {_what} pickle: it is truncated (an interrupted download or copy?). Fetch the file again.", e);
        }
        catch (Exception e) when (e is InvalidPickleException or FormatException or OverflowException or ArgumentException)
        {
            throw new CheckpointFormatException(_path,
                $"its {_what} pickle is malformed at byte {position}: {e.Message} The file is damaged or not a PyTorch checkpoint.", e);
        }
    }

    /// <summary>Executes one opcode; true at STOP.</summary>
    private bool Step(PickleOpcode op)
    {
        switch (op)
        {
            case PickleOpcode.Stop:
                return true;
            case PickleOpcode.Proto:
                var protocol = ReadByte();
                if (protocol > 5)
                {
                    throw new InvalidPickleException($"pickle protocol {protocol} is newer than 5, the newest known.");
                }

                break;
            case PickleOpcode.Frame:
                ReadInt64(); // A read-ahead hint only.
                break;
            case PickleOpcode.Mark:
                _marks.Push(_stack.Count);
                break;
            case PickleOpcode.Pop:
                if (_marks.Count > 0 && _marks.Peek() == _stack.Count)
                {
                    _marks.Pop();
                }
                else
                {
                    Pop();
                }

                break;
            case PickleOpcode.PopMark:
                PopMark();
                break;
            case PickleOpcode.Dup:
                Push(Peek());
                break;
            case PickleOpcode.None:
                Push(null);
                break;
            case PickleOpcode.NewTrue:
                Push(true);
                break;
            case PickleOpcode.NewFalse:
                Push(false);
                break;
            case PickleOpcode.Int:
                Push(PickleText.IntLine(ReadAsciiLine()));
                break;
            case PickleOpcode.BinInt:
                Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                break;
            case PickleOpcode.BinInt1:
                Push((long)ReadByte());
                break;
            case PickleOpcode.BinInt2:
                Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                break;
            case PickleOpcode.Long:
                Push(PickleText.LongLine(ReadAsciiLine()));
                break;
            case PickleOpcode.Long1:
                Push(PickleText.DecodeLong(ReadBytes(ReadByte())));
                break;
            case PickleOpcode.Long4:
                Push(PickleText.DecodeLong(ReadBytes(ReadInt32Length())));
                break;
            case PickleOpcode.Float:
                Push(PickleText.FloatLine(ReadAsciiLine()));
                break;
            case PickleOpcode.BinFloat:
                Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                break;
            case PickleOpcode.String:
                Push(Encoding.UTF8.GetString(PickleText.StringLiteral(ReadAsciiLine())));
                break;
            case PickleOpcode.BinString:
                Push(Encoding.UTF8.GetString(ReadBytes(ReadInt32Length())));
                break;
            case PickleOpcode.ShortBinString:
                Push(Encoding.UTF8.GetString(ReadBytes(ReadByte())));
                break;
            case PickleOpcode.Unicode:
                Push(PickleText.RawUnicodeEscape(ReadLine()));
                break;
            case PickleOpcode.BinUnicode:
                Push(Encoding.UTF8.GetString(ReadBytes(ReadInt32Length())));
                break;
            case PickleOpcode.ShortBinUnicode:
                Push(Encoding.UTF8.GetString(ReadBytes(ReadByte())));
                break;
            case PickleOpcode.BinUnicode8:
                Push(Encoding.UTF8.GetString(ReadBytes(ReadInt64Length())));
                break;
            case PickleOpcode.BinBytes:
                Push(ReadBytes(ReadInt32Length()));
                break;
            case PickleOpcode.ShortBinBytes:
                Push(ReadBytes(ReadByte()));
                break;
            case PickleOpcode.BinBytes8 or PickleOpcode.ByteArray8:
                Push(ReadBytes(ReadInt64Length()));
                break;
            case PickleOpcode.EmptyList:
                Push(new List<object?>());
                break;
            case PickleOpcode.List:
                Push(new List<object?>(PopMark()));
                break;
            case PickleOpcode.Append:
                var item = Pop();
                Top<List<object?>>("APPEND").Add(item);
                break;
            case PickleOpcode.Appends:
                var items = PopMark();
                Top<List<object?>>("APPENDS").AddRange(items);
                break;
            case PickleOpcode.EmptyTuple:
                Push(new PickleTuple([]));
                break;
            case PickleOpcode.Tuple:
                Push(new PickleTuple(PopMark()));
                break;
            case PickleOpcode.Tuple1 or PickleOpcode.Tuple2 or PickleOpcode.Tuple3:
                Push(new PickleTuple(PopN(op - PickleOpcode.Tuple1 + 1)));
                break;
            case PickleOpcode.EmptyDict:
                Push(new OrderedDictionary<object, object?>());
                break;
            case PickleOpcode.Dict:
                var dict = new OrderedDictionary<object, object?>();
                SetItems(dict, PopMark());
                Push(dict);
                break;
            case PickleOpcode.SetItem:
                var value = Pop();
                var key = Pop();
                SetItems(Top<OrderedDictionary<object, object?>>("SETITEM"), [key, value]);
                break;
            case PickleOpcode.SetItems:
                var pairs = PopMark();
                SetItems(Top<OrderedDictionary<object, object?>>("SETITEMS"), pairs);
                break;
            case PickleOpcode.EmptySet:
                Push(new HashSet<object?>());
                break;
            case PickleOpcode.AddItems:
                Top<HashSet<object?>>("ADDITEMS").UnionWith(PopMark().Select(PickleTuple.CheckedKey));
                break;
            case PickleOpcode.FrozenSet:
                Push(new HashSet<object?>(PopMark().Select(PickleTuple.CheckedKey)));
                break;
            case PickleOpcode.Get:
                Push(Recall(long.Parse(ReadAsciiLine(), System.Globalization.CultureInfo.InvariantCulture)));
                break;
            case PickleOpcode.BinGet:
                Push(Recall(ReadByte()));
                break;
            case PickleOpcode.LongBinGet:
                Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))));
                break;
            case PickleOpcode.Put:
                _memo[long.Parse(ReadAsciiLine(), System.Globalization.CultureInfo.InvariantCulture)] = Peek();
                break;
            case PickleOpcode.BinPut:
                _memo[ReadByte()] = Peek();
                break;
            case PickleOpcode.LongBinPut:
                _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek();
                break;
            case PickleOpcode.Memoize:
                _memo[_memo.Count] = Peek();
                break;
            case PickleOpcode.Global:
                var module = ReadUtf8Line();
                Push(Resolve(module, ReadUtf8Line()));
                break;
            case PickleOpcode.StackGlobal:
                var globalName = Pop() as string;
                var globalModule = Pop() as string;
                if (globalName is null || globalModule is null)
                {
                    throw new InvalidPickleException("STACK_GLOBAL expects a module name and a global name (strings).");
                }

                Push(Resolve(globalModule, globalName));
                break;
            case PickleOpcode.Inst:
                var instModule = ReadUtf8Line();
                var instClass = Resolve(instModule, ReadUtf8Line());
                Push(Call(instClass, PopMark()));
                break;
            case PickleOpcode.Obj:
                var objArgs = PopMark();
                if (objArgs.Length == 0)
                {
                    throw new InvalidPickleException("OBJ without a class.");
                }

                Push(Call(objArgs[0], objArgs[1..]));
                break;
            case PickleOpcode.Reduce or PickleOpcode.NewObj:
                var args = Pop();
                Push(Call(Pop(), AsArguments(args, op)));
                break;
            case PickleOpcode.NewObjEx:
                var kwargs = Pop();
                var exArgs = Pop();
                if (kwargs is not OrderedDictionary<object, object?> { Count: 0 })
                {
                    throw new InvalidPickleException("NEWOBJ_EX with keyword arguments is not supported.");
                }

                Push(Call(Pop(), AsArguments(exArgs, op)));
                break;
            case PickleOpcode.Build:
                var state = Pop();
                Build(Peek(), state);
                break;
            case PickleOpcode.PersId:
                Push(PersistentLoad(ReadAsciiLine()));
                break;
            case PickleOpcode.BinPersId:
                Push(PersistentLoad(Pop()));
                break;
            case PickleOpcode.Ext1 or PickleOpcode.Ext2 or PickleOpcode.Ext4:
                var code = op switch
                {
                    PickleOpcode.Ext1 => ReadByte(),
                    PickleOpcode.Ext2 => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)),
                    _ => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)),
                };

                // The copyreg extension registry can stand for any global: refuse as for an unknown global.
                throw new UnsafeCheckpointException(_path, $"copyreg extension code {code}");
            case PickleOpcode.NextBuffer or PickleOpcode.ReadOnlyBuffer:
                throw new InvalidPickleException("out-of-band buffers (pickle protocol 5) are not used by torch.save.");
            default:
                throw new InvalidPickleException($"0x{(byte)op:x2} is not a pickle opcode.");
        }

        return false;
    }

    private PickleGlobal Resolve(string module, string name) =>
        PickleGlobals.TryResolve(module, name, out var global) ? global : throw new UnsafeCheckpointException(_path, $"{module}.{name}");

    private static object? Call(object? callable, IReadOnlyList<object?> args) => callable switch
    {
        PickleGlobal { Invoke: { } invoke } => invoke(args),
        PickleGlobal g => throw new InvalidPickleException($"{g.FullName} is called, but it is only a type marker here."),
        _ => throw new InvalidPickleException($"a {PythonTypeName.Of(callable)} is called as a function."),
    };

    private static IReadOnlyList<object?> AsArguments(object? args, PickleOpcode op) =>
        args as PickleTuple ?? throw new InvalidPickleException($"{op} expects a tuple of arguments, got a {PythonTypeName.Of(args)}.");

    private static void Build(object? target, object? state)
    {
        // As torch's weights-only unpickler: BUILD only on dicts (a state dict's _metadata) and
        // tensors (Python-side attributes); the state carries no tensor data and is dropped.
        if (target is not (OrderedDictionary<object, object?> or TensorRecord))
        {
            throw new InvalidPickleException($"BUILD (setting the state of an object) on a {PythonTypeName.Of(target)}.");
        }

        _ = state;
    }

    private object? PersistentLoad(object? id) =>
        _persistentLoad is null
            ? throw new InvalidPickleException("a persistent id (a storage reference) where none may be.")
            : _persistentLoad(id);

    private static void SetItems(OrderedDictionary<object, object?> dict, object?[] pairs)
    {
        if (pairs.Length % 2 != 0)
        {
            throw new InvalidPickleException("a dict is given a key without a value.");
        }

        for (var i = 0; i < pairs.Length; i += 2)
        {
            dict[PickleTuple.CheckedKey(pairs[i]) ?? throw new InvalidPickleException("a dict key is None, which this reader does not support.")] = pairs[i + 1];
        }
    }

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw new InvalidPickleException($"memo entry {index} is read before it is written.");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() =>
        _stack.Count > (_marks.Count > 0 ? _marks.Peek() : 0) ? _stack[^1] : throw new InvalidPickleException("the stack is empty.");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private T Top<T>(string opcode)
        where T : class =>
        Peek() as T ?? throw new InvalidPickleException($"{opcode} on a {PythonTypeName.Of(Peek())}.");

    private object?[] PopMark()
    {
        if (_marks.Count == 0)
        {
            throw new InvalidPickleException("an opcode needs a MARK but there is none.");
        }

        return PopFrom(_marks.Pop());
    }

    private object?[] PopN(int count)
    {
        var start = _stack.Count - count;
        if (start < (_marks.Count > 0 ? _marks.Peek() : 0))
        {
            throw new InvalidPickleException($"a tuple of {count} needs more items than the stack holds.");
        }

        return PopFrom(start);
    }

    private object?[] PopFrom(int start)
    {
        var items = _stack.GetRange(start, _stack.Count - start).ToArray();
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private byte ReadByte()
    {
        var b = _stream.ReadByte();
        return b < 0 ? throw new EndOfStreamException() : (byte)b;
    }

    private byte[] ReadBytes(long count)
    {
        if (count > _stream.Length - _stream.Position)
        {
            throw new EndOfStreamException();
        }

        var bytes = new byte[count];
        _stream.ReadExactly(bytes);
        return bytes;
    }

    private long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));

    private int ReadInt32Length()
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
        return length >= 0 ? length : throw new InvalidPickleException($"a negative length ({length}).");
    }

    private long ReadInt64Length()
    {
        var length = ReadInt64();
        return length is >= 0 and <= int.MaxValue ? length : throw new InvalidPickleException($"a length of {length} bytes.");
    }

    private byte[] ReadLine()
    {
        var line = new List<byte>();
        for (var b = ReadByte(); b != '\n'; b = ReadByte())
        {
            line.Add(b);
            if (line.Count > MaxLineLength)
            {
                throw new InvalidPickleException($"a text argument longer than {MaxLineLength} bytes.");
            }
        }

        return [.. line];
    }

    private string ReadAsciiLine() => Encoding.ASCII.GetString(ReadLine());

    private string ReadUtf8Line() => Encoding.UTF8.GetString(ReadLine());
}
