namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// Validates STAC Items against the published JSON Schemas of STAC core and the extensions they
/// name, vendored in Fixtures/stac-schemas (see its README), offline, with Debian's
/// python3-jsonschema (<c>validate.py</c> resolves every <c>$ref</c> from the vendored copies).
/// </summary>
public static class StacSchemas
{
    /// <summary>Runs the validator on <paramref name="items"/>; true when every one is valid, with its report.</summary>
    public static (bool Valid, string Report) Validate(params string[] items)
    {
        var (code, output) = ExternalPython.Run([TestPaths.Fixture(Path.Combine("stac-schemas", "validate.py")), .. items], TimeSpan.FromMinutes(2));
        return (code == 0, output);
    }

    /// <summary>Asserts that every item is valid, showing the validator's report otherwise.</summary>
    public static void AssertValid(params string[] items)
    {
        var (valid, report) = Validate(items);
        Assert.True(valid, report);
    }
}

/// <summary>A fact that validates STAC Items: skipped, naming the package, where python3-jsonschema is absent.</summary>
public sealed class StacSchemaFactAttribute : FactAttribute
{
    public StacSchemaFactAttribute()
    {
        if (!ExternalPython.Has("jsonschema"))
        {
            Skip = $"{ExternalPython.Interpreter} cannot import jsonschema; install the Debian package python3-jsonschema to validate STAC Items against the vendored schemas.";
        }
    }
}
