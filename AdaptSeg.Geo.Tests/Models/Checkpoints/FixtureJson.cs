using System.Text.Json;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>Reads the reference fixtures' JSON files.</summary>
internal static class FixtureJson
{
    public static JsonDocument Open(string name) => JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture(name)));

    /// <summary>The <c>keys</c> array: [name, [shape...], ...] rows.</summary>
    public static List<(string Name, long[] Shape)> Keys(JsonDocument doc) =>
        doc.RootElement.GetProperty("keys").EnumerateArray()
            .Select(row => (row[0].GetString()!, row[1].EnumerateArray().Select(d => d.GetInt64()).ToArray()))
            .ToList();

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
