namespace Microsoft.ML.CamLoss.Cli.Data;

/// <summary>The data set layouts <c>--format</c> names.</summary>
internal enum DataFormat
{
    /// <summary>Detect the layout from the folder's contents (see <see cref="DataLocator"/>).</summary>
    Auto,

    /// <summary><c>DIR/&lt;class&gt;/*</c>, or <c>DIR/train/&lt;class&gt;/*</c> and <c>DIR/test/&lt;class&gt;/*</c> (optionally <c>DIR/val/</c>).</summary>
    ImageFolder,

    /// <summary>CUB-200-2011 (<c>images.txt</c>, <c>train_test_split.txt</c> …), in DIR or DIR/CUB_200_2011.</summary>
    Cub,

    /// <summary>Stanford Dogs (<c>Images/</c> and <c>lists/train_list.mat</c>).</summary>
    Dogs,

    /// <summary>CIFAR-10 (<c>data_batch_1.bin</c> … <c>test_batch.bin</c>) or CIFAR-100 (<c>train.bin</c>, <c>test.bin</c>) binary files.</summary>
    Cifar,

    /// <summary>IDX files (MNIST layout: <c>train-images-idx3-ubyte[.gz]</c>, <c>t10k-images-idx3-ubyte[.gz]</c> and their labels).</summary>
    Idx,
}
