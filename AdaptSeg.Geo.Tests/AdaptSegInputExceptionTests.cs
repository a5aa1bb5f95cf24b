using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Tests;

public sealed class AdaptSegInputExceptionTests
{
    /// <summary>
    /// The CLI maps bad input to exit 2 by base type, not by a list: every exception type the library declares
    /// must be an <see cref="AdaptSegInputException"/>, or an IOException (or the missing-GDAL DllNotFoundException)
    /// that the CLI maps by its .NET base.
    /// </summary>
    [Fact]
    public void CoreExceptionTypes_AllDeriveFromTheInputBaseOrAnIoBase()
    {
        var exceptions = typeof(AdaptSegInputException).Assembly.GetTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();

        Assert.Contains(exceptions, t => t.Name == "ConfigException");
        Assert.All(exceptions, t => Assert.True(
            typeof(AdaptSegInputException).IsAssignableFrom(t) || typeof(IOException).IsAssignableFrom(t) || t == typeof(GdalNotFoundException),
            $"{t.FullName} derives from {t.BaseType}; derive it from AdaptSegInputException (bad input, exit 2) or say why not."));
    }
}
