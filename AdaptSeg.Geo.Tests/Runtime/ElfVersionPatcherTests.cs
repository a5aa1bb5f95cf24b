using System.Runtime.InteropServices;
using AdaptSeg.Geo.Build;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Runtime;

public sealed class ElfVersionPatcherTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string PristineLibrary =>
        Path.Combine(TestPaths.NuGetPackageRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    /// <summary>The native folder of this test run's output, where libtorch sits beside LibTorchSharp ($ORIGIN).</summary>
    private static string OutputNativeFolder => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    [Fact]
    public void MakeVersionNeedWeak_PristineLibrary_PatchesOnceThenIsIdempotent()
    {
        using var temp = new TempDirectory();
        string copy = temp.File("libLibTorchSharp.so");
        File.Copy(PristineLibrary, copy);
        Assert.False(ElfVersionPatcher.IsVersionNeedWeak(copy, Version));

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatcher.MakeVersionNeedWeak(copy, Version));
        byte[] once = File.ReadAllBytes(copy);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionPatcher.MakeVersionNeedWeak(copy, Version));
        byte[] twice = File.ReadAllBytes(copy);

        Assert.True(ElfVersionPatcher.IsVersionNeedWeak(copy, Version));
        Assert.Equal(once, twice);
        byte[] pristine = File.ReadAllBytes(PristineLibrary);
        Assert.Equal(pristine.Length, once.Length);
        Assert.Equal(1, pristine.Zip(once).Count(p => p.First != p.Second)); // exactly one byte: the flag
    }

    [Fact]
    public void MakeVersionNeedWeak_VersionNotRequired_LeavesFileAlone()
    {
        using var temp = new TempDirectory();
        string copy = temp.File("lib.so");
        File.Copy(PristineLibrary, copy);
        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionPatcher.MakeVersionNeedWeak(copy, "GLIBCXX_9.9.99"));
        Assert.Equal(File.ReadAllBytes(PristineLibrary), File.ReadAllBytes(copy));
    }

    [Fact]
    public void MakeVersionNeedWeak_NotElf_ThrowsNamingFile()
    {
        using var temp = new TempDirectory();
        string bogus = temp.File("bogus.so");
        File.WriteAllText(bogus, "not a library");
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MakeVersionNeedWeak(bogus, Version));
        Assert.Contains("bogus.so", e.Message);
    }

    [Fact]
    public void PatchedCopy_Loads_WhereThePristineOneCannot()
    {
        string? libstdcxx = SystemLibraries.FindLibStdCxx();
        Assert.NotNull(libstdcxx);
        bool systemHasVersion = ElfVersionPatcher.LibraryDefinesVersion(libstdcxx, Version);

        string stem = "libLibTorchSharp-test-" + Guid.NewGuid().ToString("N")[..8];
        string pristineCopy = Path.Combine(OutputNativeFolder, stem + "-pristine.so");
        string patchedCopy = Path.Combine(OutputNativeFolder, stem + "-patched.so");
        File.Copy(PristineLibrary, pristineCopy);
        File.Copy(PristineLibrary, patchedCopy);
        try
        {
            ElfVersionPatcher.MakeVersionNeedWeak(patchedCopy, Version);
            Assert.True(NativeLibrary.TryLoad(patchedCopy, out IntPtr handle), "the patched library should load");
            Assert.NotEqual(IntPtr.Zero, NativeLibrary.GetExport(handle, "THSTorch_manual_seed"));
            if (!systemHasVersion)
            {
                Assert.False(NativeLibrary.TryLoad(pristineCopy, out _), "without the fix-up, this system's loader refuses the library");
            }
        }
        finally
        {
            File.Delete(pristineCopy);
            File.Delete(patchedCopy);
        }
    }
}
