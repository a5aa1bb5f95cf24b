namespace AdaptSeg.Geo.Build;

/// <summary>Locates system libraries the way the dynamic loader's default paths would.</summary>
public static class SystemLibraries
{
    private static readonly string[] LibStdCxxCandidates =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
    ];

    /// <summary>The first system libstdc++ found, or null (for example on Windows or macOS).</summary>
    public static string? FindLibStdCxx() => LibStdCxxCandidates.FirstOrDefault(File.Exists);
}
