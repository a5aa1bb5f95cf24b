namespace AdaptSeg.Geo.Inference;

/// <summary>A set of shards that cannot be joined: missing, duplicated or mismatched shards, each listed.</summary>
public sealed class ShardSetException : IOException
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public ShardSetException(string maskPath, IReadOnlyList<string> problems)
        : base($"The shards of '{maskPath}' cannot be joined:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems)
            + $"{Environment.NewLine}Predict the missing or mismatched shards again (PredictionRequest.Shard K/N with the same options), or remove stray manifests.")
    {
        Problems = problems;
    }

    /// <summary>One line per problem.</summary>
    public IReadOnlyList<string> Problems { get; }
}
