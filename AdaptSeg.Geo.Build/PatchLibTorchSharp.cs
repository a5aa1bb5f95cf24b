using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AdaptSeg.Geo.Build;

/// <summary>
/// MSBuild task: finds <c>libLibTorchSharp.so</c> under <see cref="Directory"/> and makes its
/// <c>GLIBCXX_3.4.32</c> requirement weak, when the system libstdc++ lacks that version.
/// </summary>
public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
{
    /// <summary>The folder to search (the build or publish output).</summary>
    [Required]
    public string Directory { get; set; } = "";

    /// <summary>The version the system may lack.</summary>
    public string VersionName { get; set; } = "GLIBCXX_3.4.32";

    /// <summary>Patch even when the system libstdc++ has the version (for bundles built for other machines).</summary>
    public bool Force { get; set; }

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return true;
        }

        if (!Force && !SystemLacksVersion(out string? libstdcxx))
        {
            Log.LogMessage(MessageImportance.Low, $"{libstdcxx ?? "no libstdc++ found"} defines {VersionName}: libLibTorchSharp.so left as it is.");
            return true;
        }

        foreach (string library in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            ElfPatchOutcome outcome = ElfVersionPatcher.MakeVersionNeedWeak(library, VersionName);
            MessageImportance importance = outcome == ElfPatchOutcome.Patched ? MessageImportance.High : MessageImportance.Low;
            Log.LogMessage(importance, $"{library}: {VersionName} requirement {outcome switch
            {
                ElfPatchOutcome.Patched => "made weak (this system's libstdc++ lacks it)",
                ElfPatchOutcome.AlreadyWeak => "already weak",
                _ => "not present",
            }}.");
        }

        return true;
    }

    private bool SystemLacksVersion(out string? libstdcxx)
    {
        libstdcxx = SystemLibraries.FindLibStdCxx();
        return libstdcxx is not null && !ElfVersionPatcher.LibraryDefinesVersion(libstdcxx, VersionName);
    }
}
