using System.Text.RegularExpressions;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Layout;

/// <summary>GDAL/OGR objects are freed only by their SafeHandles (GdalDatasetHandle, GdalOwnedHandle), never by hand.</summary>
public sealed partial class GdalHandleOwnershipTests
{
    [Fact]
    public void Core_FreesGdalObjectsOnlyThroughSafeHandles()
    {
        string core = Path.Combine(TestPaths.RepoRoot, "AdaptSeg.Geo.Core");
        var offenders = Directory.GetFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFileName(f) is not ("GdalDatasetHandle.cs" or "GdalOwnedHandle.cs")
                && !Path.GetFileName(f).StartsWith("GdalNative.", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(core, f), Line: i + 1, Text: line)))
            .Where(l => ManualRelease().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Free GDAL objects with GdalDatasetHandle or GdalOwnedHandle:\n" + string.Join("\n", offenders));
    }

    [GeneratedRegex(@"GdalNative\.(GDALClose|OSRDestroySpatialReference|OCTDestroyCoordinateTransformation|GDALDestroyColorTable|GDALDestroyRasterAttributeTable|OGR_F_Destroy|GDAL\w*OptionsFree)\(")]
    private static partial Regex ManualRelease();
}
