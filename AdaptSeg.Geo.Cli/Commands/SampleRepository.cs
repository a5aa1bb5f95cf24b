namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>Finds the folder holding the demo's sample-data/ and sample-configs/ (demo and compare use it).</summary>
internal static class SampleRepository
{
    /// <summary>
    /// <paramref name="given"/> when it holds the samples, else the first folder holding them above
    /// the current folder or the program's; <paramref name="notFound"/> is the message when none does.
    /// </summary>
    public static string Find(string? given, string notFound)
    {
        static bool Holds(string folder) => File.Exists(Path.Combine(folder, "sample-configs", "landcover-demo.json"))
            && Directory.Exists(Path.Combine(folder, "sample-data"));
        if (given is not null)
        {
            return Holds(given) ? Path.GetFullPath(given)
                : throw new DirectoryNotFoundException($"--repository '{given}' holds no sample-configs/landcover-demo.json and sample-data/.");
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Holds(dir.FullName))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException(notFound);
    }
}
