using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

public sealed class TileShardTests
{
    [Theory]
    [InlineData(875, 1009, 128, 64, 4, 4)]
    [InlineData(875, 1009, 128, 64, 4, 15)]
    [InlineData(875, 1009, 128, 64, 4, 3)]
    [InlineData(500, 700, 96, 17, 3, 5)]
    [InlineData(300, 300, 64, 0, 1, 2)]
    public void Plan_AllShards_RowsContiguousHaloCoversOverlapAndBatchesAligned(int width, int height, int tile, int overlap, int batch, int count)
    {
        var options = new StitchOptions { TileSize = tile, Overlap = overlap, BatchSize = batch };
        int[] columns = TileGrid.Starts(width, tile, overlap);
        int[] rows = TileGrid.Starts(height, tile, overlap);
        int total = columns.Length * rows.Length;
        int expectedFirst = 0;
        for (int k = 0; k < count; k++)
        {
            TileShard shard = TileShard.Plan(width, height, options, k, count);
            Assert.Equal(expectedFirst, shard.FirstRow);
            Assert.True(shard.RowCount > 0);
            expectedFirst = shard.EndRow;
            Assert.True(shard.FirstTile % batch == 0, "a shard starts on a batch of the single run");
            Assert.True(shard.EndTile % batch == 0 || shard.EndTile == total, "a shard ends on a batch of the single run");

            // Every tile touching the shard's rows is predicted by it.
            for (int r = 0; r < rows.Length; r++)
            {
                bool touches = rows[r] < shard.EndRow && rows[r] + Math.Min(tile, height) > shard.FirstRow;
                if (touches)
                {
                    Assert.InRange(r * columns.Length, shard.FirstTile, shard.EndTile - 1);
                    Assert.InRange((r + 1) * columns.Length - 1, shard.FirstTile, shard.EndTile - 1);
                }
            }

            if (k > 0)
            {
                int firstTileRow = shard.FirstTile / columns.Length;
                Assert.True(shard.FirstRow - rows[firstTileRow] >= overlap, "the halo above is at least the overlap high");
            }
        }

        Assert.Equal(height, expectedFirst);
    }

    [Fact]
    public void Plan_MoreShardsThanTileRows_ThrowsNamingTheMaximum()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TileShard.Plan(875, 1009, new StitchOptions { TileSize = 128, Overlap = 64 }, 0, 16));
        Assert.Contains("at most 15 shards", e.Message);
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    public void Parse_KOverN_GivesTheShard(string text, int index, int count) =>
        Assert.Equal(new ShardAssignment(index, count), ShardAssignment.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("auto")]
    [InlineData("1-4")]
    public void Parse_NotKOverN_ThrowsSayingTheForm(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => ShardAssignment.Parse(text));
        Assert.Contains("K/N", e.Message);
    }

    [Fact]
    public void FromEnvironment_SlurmRerunOfOneTask_IsThatShardNotTheArraysFirst()
    {
        // sbatch --array=5 (re-running a failed task of --array=0-7) sets MIN 5: the shard is still 5.
        var env = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "5", ["SLURM_ARRAY_TASK_MIN"] = "5", ["SLURM_ARRAY_TASK_MAX"] = "5", ["SLURM_ARRAY_TASK_STEP"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "1" };
        Assert.Equal(new ShardAssignment(5, 8), ShardAssignment.FromEnvironment(8, n => env.GetValueOrDefault(n)));
    }

    [Fact]
    public void FromEnvironment_SlurmArrayNotStartingAtZero_RefusedWithTheArrayToSubmit()
    {
        var env = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "8", ["SLURM_ARRAY_TASK_MIN"] = "1", ["JOB_COMPLETION_INDEX"] = "0" };
        var e = Assert.Throws<ArgumentException>(() => ShardAssignment.FromEnvironment(8, n => env.GetValueOrDefault(n)));
        Assert.Contains("--array=0-7", e.Message);
        Assert.Contains("--array=5", e.Message);
    }

    [Fact]
    public void FromEnvironment_KubernetesIndexedJob_UsesCompletionIndex()
    {
        var env = new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "3" };
        Assert.Equal(new ShardAssignment(3, 4), ShardAssignment.FromEnvironment(4, n => env.GetValueOrDefault(n)));
    }

    [Theory]
    [InlineData(null, "neither is set")]
    [InlineData("4", "outside 0..3")]
    [InlineData("x", "not an integer")]
    public void FromEnvironment_NoOrBadIndex_ThrowsNamingTheVariable(string? id, string expected)
    {
        var env = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = id };
        var e = Assert.Throws<ArgumentException>(() => ShardAssignment.FromEnvironment(4, n => env.GetValueOrDefault(n)));
        Assert.Contains(expected, e.Message);
    }
}
