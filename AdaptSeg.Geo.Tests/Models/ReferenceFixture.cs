using System.Text.Json;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Models;

/// <summary>Reads the numbers of a reference forward fixture (Fixtures/*_forward_*.json).</summary>
internal sealed class ReferenceFixture
{
    private readonly JsonElement root;

    private ReferenceFixture(JsonElement root) => this.root = root;

    public static ReferenceFixture Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture(name)));
        return new ReferenceFixture(document.RootElement.Clone());
    }

    public int NumClasses => root.GetProperty("num_classes").GetInt32();

    public long[] InputShape => Longs(root.GetProperty("input_shape"));

    public int[] Layers => root.TryGetProperty("layers", out var layers) ? layers.EnumerateArray().Select(e => e.GetInt32()).ToArray() : [3, 4, 23, 3];

    public long[] Shape(string name) => Longs(root.GetProperty($"{name}_shape"));

    public double[] Values(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public (double Sum, double SumSq, long[] Shape) Intermediate(string stage)
    {
        JsonElement s = root.GetProperty("intermediate").GetProperty(stage);
        return (s.GetProperty("sum").GetDouble(), s.GetProperty("sumsq").GetDouble(), Longs(s.GetProperty("shape")));
    }

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();
}
