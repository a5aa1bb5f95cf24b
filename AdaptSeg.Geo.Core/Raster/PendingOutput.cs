namespace AdaptSeg.Geo.Raster;

/// <summary>
/// An output file written under a temporary name in its destination folder and renamed to its
/// final name only by <see cref="Commit"/>; disposed without a commit (an error, Ctrl+C) it deletes
/// the temporary file, so a half-written output never carries the user's name. GDAL's PAM sidecar
/// (<c>.aux.xml</c>, holding category names and attribute tables) travels with it.
/// </summary>
public sealed class PendingOutput : IDisposable
{
    private const string Sidecar = ".aux.xml";
    private bool done;

    /// <summary>Reserves a temporary name next to <paramref name="finalPath"/>; checks the folder is writable.</summary>
    public PendingOutput(string finalPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(finalPath);
        FinalPath = System.IO.Path.GetFullPath(finalPath);
        string folder = System.IO.Path.GetDirectoryName(FinalPath)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The output folder '{folder}' does not exist; create it first.");
        }

        string name = System.IO.Path.GetFileName(FinalPath);
        string extension = System.IO.Path.GetExtension(name);
        TemporaryPath = System.IO.Path.Combine(folder, $".{name}.partial-{Guid.NewGuid().ToString("N")[..8]}{extension}");
        try
        {
            using (File.Create(TemporaryPath))
            {
            }

            File.Delete(TemporaryPath);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UnauthorizedAccessException($"Cannot write in the output folder '{folder}': {e.Message} Choose a writable folder.", e);
        }

        // If the process ends before this is committed or disposed (a Ctrl+C whose grace period
        // ran out while a model batch was still computing), the temporary file still goes.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The name the output gets when complete.</summary>
    public string FinalPath { get; }

    /// <summary>Where to write meanwhile.</summary>
    public string TemporaryPath { get; }

    /// <summary>Renames the finished file (and its sidecar) to the final name, replacing an older one.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(done, this);
        if (!File.Exists(TemporaryPath))
        {
            throw new FileNotFoundException($"The output '{TemporaryPath}' was not written.", TemporaryPath);
        }

        if (File.Exists(TemporaryPath + Sidecar))
        {
            File.Move(TemporaryPath + Sidecar, FinalPath + Sidecar, overwrite: true);
        }
        else if (File.Exists(FinalPath + Sidecar))
        {
            File.Delete(FinalPath + Sidecar); // a stale sidecar would describe the old file
        }

        File.Move(TemporaryPath, FinalPath, overwrite: true);
        done = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
    }

    /// <summary>Deletes the temporary file and sidecar unless committed.</summary>
    public void Dispose()
    {
        if (done)
        {
            return;
        }

        done = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Delete(TemporaryPath);
        Delete(TemporaryPath + Sidecar);
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort; the name starts with '.' and says 'partial'.
        }
    }
}
