using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Tests.Data;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.MLNet;

/// <summary><c>mlContext.Data.LoadStanfordDogs</c> with the published <c>Annotation/</c> folder: the first object's box as columns, NaN where an image has none.</summary>
[TestClass]
public sealed class MLNetDogsBoxesTests
{
    [TestMethod]
    public void LoadStanfordDogs_WithAnnotation_BoxColumnsInPixelsNaNWhereMissing()
    {
        using var temp = new TempFolder();
        var root = SyntheticTrees.StanfordDogs(temp, "compressed");
        // The test split is n02085620_5 (annotated here) and n02085782_8 (not): VOC corners 10,20 → 40,60.
        temp.WriteLines(
            "dogs/Annotation/n02085620-Chihuahua/n02085620_5",
            "<annotation><object><name>Chihuahua</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>40</xmax><ymax>60</ymax></bndbox></object></annotation>");

        var data = new MLContext(seed: 1).Data.LoadStanfordDogs(root, DataSplit.Test);

        CollectionAssert.AreEqual(new[] { "ImagePath", "Label", "BoxX", "BoxY", "BoxWidth", "BoxHeight" }, data.Schema.Select(c => c.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 10f, float.NaN }, data.GetColumn<float>("BoxX").ToArray());
        CollectionAssert.AreEqual(new[] { 20f, float.NaN }, data.GetColumn<float>("BoxY").ToArray());
        CollectionAssert.AreEqual(new[] { 30f, float.NaN }, data.GetColumn<float>("BoxWidth").ToArray());
        CollectionAssert.AreEqual(new[] { 40f, float.NaN }, data.GetColumn<float>("BoxHeight").ToArray());
    }
}
