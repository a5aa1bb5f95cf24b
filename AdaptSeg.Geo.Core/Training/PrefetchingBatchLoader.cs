using System.Diagnostics;
using AdaptSeg.Geo.Data;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// Loads iterations ahead on background threads so that the network does not wait on I/O, and
/// measures how long the training thread still waits (<see cref="WaitFraction"/>).
/// </summary>
public sealed class PrefetchingBatchLoader : IDisposable
{
    private readonly IBatchSource source;
    private readonly int ahead;
    private readonly Queue<(int Iteration, Task<IReadOnlyList<BatchData>> Task)> pending = new();
    private readonly Stopwatch total = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop = new();
    private int next;
    private TimeSpan waited;

    /// <param name="source">What to load.</param>
    /// <param name="firstIteration">The first iteration that will be asked for.</param>
    /// <param name="ahead">How many iterations to load ahead (0 loads on the calling thread).</param>
    public PrefetchingBatchLoader(IBatchSource source, int firstIteration, int ahead)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ahead);
        this.source = source;
        this.ahead = ahead;
        next = firstIteration;
    }

    /// <summary>Share of wall time since creation spent waiting for data (0..1).</summary>
    public double WaitFraction => total.Elapsed.TotalSeconds == 0 ? 0 : waited.TotalSeconds / total.Elapsed.TotalSeconds;

    /// <summary>The data of <paramref name="iteration"/>; iterations must be asked for in order.</summary>
    public IReadOnlyList<BatchData> Get(int iteration)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (ahead == 0)
            {
                return source.Load(iteration);
            }

            while (pending.Count < ahead)
            {
                int i = next++;
                pending.Enqueue((i, Task.Run(() => source.Load(i), stop.Token)));
            }

            var (queued, task) = pending.Dequeue();
            if (queued != iteration)
            {
                throw new InvalidOperationException($"Asked for iteration {iteration}, but {queued} is next: iterations must be consumed in order.");
            }

            IReadOnlyList<BatchData> data = task.GetAwaiter().GetResult();
            int refill = next++;
            pending.Enqueue((refill, Task.Run(() => source.Load(refill), stop.Token)));
            return data;
        }
        finally
        {
            waited += clock.Elapsed;
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        foreach (var (_, task) in pending)
        {
            try
            {
                task.Wait();
            }
            catch (AggregateException)
            {
                // A load that was running when training stopped: its result is not needed.
            }
        }

        stop.Dispose();
    }
}
