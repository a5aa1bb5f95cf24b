namespace AdaptSeg.Geo.Experiments;

/// <summary>What <see cref="SampleDemo.Run"/> runs.</summary>
public sealed record SampleDemoOptions
{
    /// <summary>The folder holding sample-data/ and sample-configs/ (<see cref="SampleData.Find"/>).</summary>
    public required string Repository { get; init; }

    /// <summary>The output folder: new, empty, or an earlier demo's (it holds the marker); any other is refused.</summary>
    public required string Output { get; init; }

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Training iterations of each model; null: 300, or 5000 with <see cref="Full"/>.</summary>
    public int? Iterations { get; init; }

    /// <summary>The paper's network and learning rate (ResNet-101, width 64, 2.5e-4) on 256-px tiles, batch 4: for a GPU.</summary>
    public bool Full { get; init; }
}
