namespace AdaptSeg.Geo.Raster;

/// <summary>
/// An output file written under a temporary name in its destination folder and renamed to its
/// final name only by <see cref="Commit"/>; disposed without a commit (an error, Ctrl+C) it deletes
/// the temporary file, so a half-written output never carries the user's name. GDAL's PAM sidecar
/// (<c>.aux.xml</c>, holding category names and attribute tables) travels with it. The temporary
/// name carries the writer's PID and start time (<see cref="PartialFiles"/>), and creating a
/// pending output removes the leftovers of writers of the same name that are known to be dead.
/// Several outputs of one run are committed together with <see cref="CommitAll"/>: if one fails,
/// those already renamed are rolled back (older files they replaced are put back).
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
        RemovedLeftovers = PartialFiles.RemoveStale(folder, name);
        TemporaryPath = PartialFiles.NameFor(folder, name, extension);
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

    /// <summary>Partial files of this name left by writers that are gone, removed when this was created.</summary>
    public IReadOnlyList<string> RemovedLeftovers { get; }

    /// <summary>
    /// Commits every output of one run, in order; when one fails, the ones already renamed are
    /// removed again and the files they replaced are restored, so the run leaves either all its
    /// outputs or none. Nulls are skipped.
    /// </summary>
    public static void CommitAll(IEnumerable<PendingOutput?> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var list = outputs.OfType<PendingOutput>().ToList();
        var done = new List<(PendingOutput Output, string? Backup, string? SidecarBackup)>();
        try
        {
            foreach (PendingOutput output in list)
            {
                ObjectDisposedException.ThrowIf(output.done, output);
                if (!File.Exists(output.TemporaryPath))
                {
                    throw new FileNotFoundException($"The output '{output.TemporaryPath}' was not written.", output.TemporaryPath);
                }

                string? backup = MoveAside(output.FinalPath);
                string? sidecarBackup = MoveAside(output.FinalPath + Sidecar);
                done.Add((output, backup, sidecarBackup));
                if (File.Exists(output.TemporaryPath + Sidecar))
                {
                    File.Move(output.TemporaryPath + Sidecar, output.FinalPath + Sidecar);
                }

                File.Move(output.TemporaryPath, output.FinalPath);
            }
        }
        catch
        {
            for (int i = done.Count - 1; i >= 0; i--)
            {
                var (output, backup, sidecarBackup) = done[i];
                Restore(output.FinalPath, backup);
                Restore(output.FinalPath + Sidecar, sidecarBackup);
            }

            throw;
        }

        foreach (var (output, backup, sidecarBackup) in done)
        {
            Delete(backup);
            Delete(sidecarBackup);
            output.done = true;
            AppDomain.CurrentDomain.ProcessExit -= output.OnProcessExit;
        }
    }

    /// <summary>
    /// Renames the finished file (and its sidecar) to the final name, replacing an older one (whose
    /// stale sidecar goes too, as it would describe the old file); all or nothing.
    /// </summary>
    public void Commit() => CommitAll([this]);

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

    /// <summary>Renames an existing file to a hidden backup name next to it; null when there is none.</summary>
    private static string? MoveAside(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        string folder = System.IO.Path.GetDirectoryName(path)!;
        string backup = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(path)}.replaced-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        File.Move(path, backup);
        return backup;
    }

    /// <summary>Removes what a failed commit put at <paramref name="path"/> and puts the backup back.</summary>
    private static void Restore(string path, string? backup)
    {
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            if (backup is not null)
            {
                File.Move(backup, path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Rolling back as far as the file system allows; the backup keeps its hidden name if it cannot move.
        }
    }

    private static void Delete(string? path)
    {
        if (path is null)
        {
            return;
        }

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
