namespace AdaptSeg.Geo.Training;

/// <summary>Where and how long a training run goes.</summary>
/// <param name="RunFolder">Holds checkpoints/, log.jsonl, losses.png and config.json.</param>
/// <param name="Iterations">Total iterations of the run (a resumed run continues up to this).</param>
/// <param name="CheckpointEvery">Checkpoint every N iterations; always at the end and on cancellation.</param>
/// <param name="ConfigJson">The effective configuration, saved with every checkpoint.</param>
/// <param name="LoadAhead">Iterations loaded ahead on background threads (0: load inline).</param>
/// <param name="KeepCheckpoints">How many of the newest checkpoints to keep.</param>
/// <param name="Title">Title of the loss plot.</param>
public sealed record TrainingRunOptions(string RunFolder, int Iterations, int CheckpointEvery, string ConfigJson, int LoadAhead = 2, int KeepCheckpoints = 3, string Title = "training losses")
{
    public string CheckpointsFolder => Path.Combine(RunFolder, "checkpoints");

    public string LogPath => Path.Combine(RunFolder, "log.jsonl");

    public string PlotPath => Path.Combine(RunFolder, "losses.png");

    /// <summary>What the network makes of the last batch's first tiles, redrawn at each checkpoint.</summary>
    public string QuicklookPath => Path.Combine(RunFolder, "quicklook.png");
}
