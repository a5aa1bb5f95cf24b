using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// A throw-away single-node Slurm: its own munged (private socket, the system's key), slurmctld and
/// slurmd in the foreground, with a generated slurm.conf in a temporary folder (free ports,
/// proctrack/linuxproc, task/none, no accounting). Disposing stops the three daemons by PID.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    private const string MungeKey = "/etc/munge/munge.key";
    private static readonly string[] Daemons = ["munged", "slurmctld", "slurmd", "sbatch", "runuser"];
    private readonly List<Process> daemons = [];
    private int? mungedPid;

    private SlurmCluster(string folder)
    {
        Folder = folder;
        ConfigPath = Path.Combine(folder, "slurm.conf");
    }

    /// <summary>The cluster's folder (config, state, logs).</summary>
    public string Folder { get; }

    /// <summary>slurm.conf; pass it as SLURM_CONF to the client commands.</summary>
    public string ConfigPath { get; }

    /// <summary>Why this machine cannot run the cluster, or null.</summary>
    public static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "Slurm test needs root on Linux (munged runs as the munge user, slurmd as root).";
        }

        if (Daemons.FirstOrDefault(d => Find(d) is null) is { } missing)
        {
            return $"'{missing}' not found: install Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge).";
        }

        return File.Exists(MungeKey) ? null : $"No munge key at {MungeKey}: the munge package creates one (or run mungekey).";
    }

    /// <summary>Starts munged, slurmctld and slurmd in <paramref name="folder"/> and waits until the node is idle.</summary>
    public static SlurmCluster Start(string folder)
    {
        var cluster = new SlurmCluster(folder);
        try
        {
            cluster.StartDaemons();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Runs a Slurm client command (sbatch, sinfo) against this cluster; returns exit code and output.</summary>
    public (int Code, string Output) Client(string command, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Find(command) ?? command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Folder };
        start.Environment["SLURM_CONF"] = ConfigPath;
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{command} {string.Join(' ', arguments)}' ran over {timeout}; logs in {Folder}.");
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    public void Dispose()
    {
        foreach (Process daemon in Enumerable.Reverse(daemons))
        {
            try
            {
                if (!daemon.HasExited)
                {
                    daemon.Kill();
                    daemon.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            daemon.Dispose();
        }

        if (mungedPid is int pid)
        {
            try
            {
                using var munged = Process.GetProcessById(pid);
                munged.Kill();
                munged.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    private static string? Find(string name) =>
        new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void StartDaemons()
    {
        string host = Dns.GetHostName().Split('.')[0];
        string munge = Path.Combine(Folder, "munge");
        foreach (string dir in new[] { Folder, munge, Path.Combine(Folder, "state"), Path.Combine(Folder, "spool") })
        {
            Directory.CreateDirectory(dir);
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101); // 755: munged wants the folders of its socket searchable by all
            }
        }

        Run("chown", ["munge:munge", munge]);
        string socket = Path.Combine(munge, "munge.socket");
        Run("runuser", ["-u", "munge", "--", Find("munged")!, $"--socket={socket}", $"--pid-file={munge}/munged.pid",
            $"--seed-file={munge}/seed", $"--log-file={munge}/munged.log", $"--key-file={MungeKey}"]);
        mungedPid = int.Parse(File.ReadAllText(Path.Combine(munge, "munged.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        File.WriteAllText(ConfigPath, $"""
            ClusterName=adaptsegtest
            SlurmctldHost={host}(127.0.0.1)
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            AuthInfo=socket={socket}
            CredType=cred/munge
            SlurmctldPort={FreePort()}
            SlurmdPort={FreePort()}
            StateSaveLocation={Folder}/state
            SlurmdSpoolDir={Folder}/spool
            SlurmctldPidFile={Folder}/slurmctld.pid
            SlurmdPidFile={Folder}/slurmd.pid
            SlurmctldLogFile={Folder}/slurmctld.log
            SlurmdLogFile={Folder}/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            SchedulerType=sched/backfill
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            ReturnToService=2
            MpiDefault=none
            SwitchType=switch/none
            NodeName={host} NodeAddr=127.0.0.1 CPUs={Environment.ProcessorCount} State=UNKNOWN
            PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP

            """);
        daemons.Add(Daemon("slurmctld", ["-D", "-f", ConfigPath]));
        daemons.Add(Daemon("slurmd", ["-D", "-f", ConfigPath, "-N", host]));

        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (code, output) = Client("sinfo", ["-h", "-o", "%T"], TimeSpan.FromSeconds(30));
            if (code == 0 && output.Trim() == "idle")
            {
                return;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(2) || daemons.Any(d => d.HasExited))
            {
                throw new InvalidOperationException($"The Slurm node did not come up (sinfo: {output.Trim()}); logs in {Folder}.");
            }

            Thread.Sleep(1000);
        }
    }

    private Process Daemon(string name, string[] arguments)
    {
        var start = new ProcessStartInfo(Find(name)!, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
        };
        var process = Process.Start(start)!;
        // Their logs go to the files named in slurm.conf; console chatter is drained and dropped.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Run(string command, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(Find(command) ?? command, arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {string.Join(' ', arguments)}' failed ({process.ExitCode}): {error}");
        }
    }
}
