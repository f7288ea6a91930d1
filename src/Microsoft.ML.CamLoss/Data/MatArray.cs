namespace Microsoft.ML.CamLoss.Data;

/// <summary>One array read from a MATLAB 5 <c>.mat</c> file by <see cref="MatFile"/>.</summary>
public abstract class MatArray
{
    private protected MatArray(string name, int[] dimensions)
    {
        Name = name;
        Dimensions = dimensions;
    }

    /// <summary>The variable's name (empty for a cell's element).</summary>
    public string Name { get; }

    /// <summary>The sizes, MATLAB style (at least two).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>Number of elements: the product of the dimensions.</summary>
    public int Count => Dimensions.Aggregate(1, (a, b) => a * b);
}

/// <summary>A numeric or logical array, converted to double, in MATLAB's column-major order.</summary>
public sealed class MatNumericArray : MatArray
{
    internal MatNumericArray(string name, int[] dimensions, double[] values)
        : base(name, dimensions) => Values = values;

    /// <summary>The real parts, column-major.</summary>
    public IReadOnlyList<double> Values { get; }
}

/// <summary>A char array; <see cref="Text"/> is its rows joined by newlines (a row vector: the string).</summary>
public sealed class MatCharArray : MatArray
{
    internal MatCharArray(string name, int[] dimensions, string text)
        : base(name, dimensions) => Text = text;

    /// <summary>The characters, row by row.</summary>
    public string Text { get; }
}

/// <summary>A cell array: its elements in column-major order.</summary>
public sealed class MatCellArray : MatArray
{
    internal MatCellArray(string name, int[] dimensions, MatArray[] cells)
        : base(name, dimensions) => Cells = cells;

    /// <summary>The elements, column-major.</summary>
    public IReadOnlyList<MatArray> Cells { get; }
}

/// <summary>A struct array: for each element, its fields by name.</summary>
public sealed class MatStructArray : MatArray
{
    internal MatStructArray(string name, int[] dimensions, IReadOnlyDictionary<string, MatArray>[] elements)
        : base(name, dimensions) => Elements = elements;

    /// <summary>The elements, column-major, each a map from field name to value.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, MatArray>> Elements { get; }
}
