namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// How a job that fills a whole folder (the demo, a comparison) takes it: a new or empty folder, or one it
/// made before (it holds the job's marker file); any other non-empty folder is refused, so nothing the user
/// keeps there is replaced.
/// </summary>
public static class OutputFolderClaim
{
    /// <summary>Claims <paramref name="folder"/> for the job; returns its full path.</summary>
    /// <param name="marker">The marker file's name (for example <c>.adaptseg-demo</c>).</param>
    /// <param name="job">The job, in words, for the marker and the message ("demo", "comparison").</param>
    /// <exception cref="IOException">The folder holds something the job did not make.</exception>
    public static string Claim(string folder, string marker, string job)
    {
        string output = Path.GetFullPath(folder);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !File.Exists(Path.Combine(output, marker)))
        {
            throw new IOException($"'{output}' exists and is not a previous {job} output; choose another output folder so nothing there is overwritten.");
        }

        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, marker), $"Created by the adaptseg {job}; a later {job} may replace what is in this folder.\n");
        return output;
    }
}
