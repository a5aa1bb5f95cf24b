namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// A fact that needs a single-node Slurm started by the test: root (munged runs as the munge user,
/// the daemons as root), Debian's slurm-wlm and munge installed, and a munge key. Skipped with the
/// reason otherwise (install with <c>apt-get install -y slurm-wlm munge</c>).
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (SlurmCluster.MissingPrerequisite() is { } reason)
        {
            Skip = reason;
        }
    }
}
