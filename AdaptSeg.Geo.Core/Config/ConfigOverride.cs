using System.Text.Json;
using System.Text.Json.Nodes;

namespace AdaptSeg.Geo.Config;

/// <summary>
/// One <c>--set key.path=value</c>: a dot path into a JSON configuration (keys as the file spells
/// them, camelCase; a number indexes an array) and the value to put there, read as JSON
/// (<c>1e-3</c>, <c>[0.0002,0.001]</c>, <c>true</c>, <c>null</c>, <c>{"beta":0.05}</c>) or, when it
/// is not JSON, as a string (<c>cuda</c>). Applied to the file's JSON before it is checked and read,
/// so an override is validated exactly as the file is (<see cref="JsonConfigReader"/>).
/// </summary>
public sealed record ConfigOverride
{
    private ConfigOverride(string path, string text, JsonNode? value)
    {
        Path = path;
        Text = text;
        Value = value;
    }

    /// <summary>The dot path, e.g. <c>training.learningRate</c>.</summary>
    public string Path { get; }

    /// <summary>The value as given.</summary>
    public string Text { get; }

    /// <summary>The value as JSON (null for JSON null).</summary>
    public JsonNode? Value { get; }

    /// <summary>The JSON path of <see cref="Path"/> as configuration problems name it (<c>$.training.learningRate</c>, <c>$.classes[0]</c>).</summary>
    public string JsonPath => "$" + string.Concat(Path.Split('.').Select(s => int.TryParse(s, out _) ? $"[{s}]" : "." + s));

    /// <summary>Parses <c>key.path=value</c>; throws <see cref="ArgumentException"/> with the fix.</summary>
    public static ConfigOverride Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        string path = equals < 0 ? "" : text[..equals].Trim();
        if (equals < 0 || path.Length == 0 || path.Split('.').Any(s => s.Length == 0))
        {
            throw new ArgumentException($"ConfigOverride '{text}' is not key.path=value; give a dot path into the experiment file and a value, e.g. ConfigOverride training.learningRate=1e-3.");
        }

        string value = text[(equals + 1)..];
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            node = JsonValue.Create(value);
        }

        return new ConfigOverride(path, value, node);
    }

    /// <summary>
    /// Puts <see cref="Value"/> at <see cref="Path"/> in <paramref name="root"/>, creating the objects
    /// on the way that the file leaves out (or sets to null). A problem (a path through a number, an
    /// index past an array's end) is added to <paramref name="problems"/> with its JSON path.
    /// </summary>
    public void ApplyTo(JsonObject root, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(problems);
        string[] segments = Path.Split('.');
        JsonNode current = root;
        string where = "$";
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            bool last = i == segments.Length - 1;
            JsonNode? value = last ? Value?.DeepClone() : null;
            switch (current)
            {
                case JsonObject o:
                    where += "." + segment;
                    if (last)
                    {
                        o[segment] = value;
                        return;
                    }

                    if (o[segment] is not JsonNode next)
                    {
                        next = new JsonObject();
                        o[segment] = next;
                    }

                    current = next;
                    break;
                case JsonArray a when int.TryParse(segment, out int index):
                    where += $"[{segment}]";
                    if (index < 0 || index >= a.Count)
                    {
                        problems.Add($"{where}: ConfigOverride {Path}: the array has {a.Count} item(s); index 0 to {a.Count - 1}, or set the whole array (ConfigOverride {string.Join('.', segments[..i])}=[...]).");
                        return;
                    }

                    if (last)
                    {
                        a[index] = value;
                        return;
                    }

                    current = a[index] ?? (a[index] = new JsonObject());
                    break;
                default:
                    problems.Add($"{where}: ConfigOverride {Path}: this is {Describe(current)}, not an object, so it has no key '{segment}'; check the path against the experiment file.");
                    return;
            }
        }
    }

    private static string Describe(JsonNode node) => node switch
    {
        JsonArray => "an array",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "a string",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => "a number",
        _ => "a value",
    };
}
