using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AdaptSeg.Geo.Config;

/// <summary>
/// Reads a JSON configuration into records with <c>required</c> members, reporting every problem
/// at once with its JSON path (<see cref="JsonShapeChecker"/>: unknown keys with the closest known
/// key, missing required keys, values of the wrong type), then deserialises it.
/// </summary>
public static class JsonConfigReader
{
    /// <summary>Options used for configuration files: camelCase, comments and trailing commas allowed, unknown keys refused.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        WriteIndented = true,
    };

    /// <summary>Reads and checks <paramref name="path"/>; throws <see cref="ConfigException"/> listing every problem.</summary>
    public static T Read<T>(string path) => Read<T>(path, []);

    /// <summary>
    /// Reads <paramref name="path"/> with <paramref name="overrides"/> (<c>--set</c>) applied to its JSON
    /// before it is checked, so they are validated exactly as the file is; throws <see cref="ConfigException"/>
    /// listing every problem (the message names the file and the overrides).
    /// </summary>
    public static T Read<T>(string path, IReadOnlyList<ConfigOverride> overrides)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException(path, [$"$: the file does not exist. Check the path, or start from one in sample-configs/."]);
        }

        return Parse<T>(File.ReadAllText(path), path, overrides);
    }

    /// <summary>Parses JSON text (named <paramref name="path"/> in messages).</summary>
    public static T Parse<T>(string json, string path) => Parse<T>(json, path, []);

    /// <summary>Parses JSON text (named <paramref name="path"/> in messages) with <paramref name="overrides"/> applied first.</summary>
    public static T Parse<T>(string json, string path, IReadOnlyList<ConfigOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var documentOptions = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        if (overrides.Count > 0)
        {
            string named = $"{path} with {string.Join(" ", overrides.Select(o => $"ConfigOverride {o.Path}={o.Text}"))}";
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(json, documentOptions: documentOptions);
            }
            catch (JsonException e)
            {
                throw new ConfigException(path, [$"$: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}"]);
            }

            if (root is not JsonObject rootObject)
            {
                throw new ConfigException(path, ["$: the file must hold one JSON object."]);
            }

            var overrideProblems = new List<string>();
            foreach (ConfigOverride o in overrides)
            {
                o.ApplyTo(rootObject, overrideProblems);
            }

            if (overrideProblems.Count > 0)
            {
                throw new ConfigException(named, overrideProblems);
            }

            json = rootObject.ToJsonString();
            path = named;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, documentOptions);
        }
        catch (JsonException e)
        {
            throw new ConfigException(path, [$"$: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}"]);
        }

        using (document)
        {
            var problems = new List<string>();
            JsonShapeChecker.Check(document.RootElement, typeof(T), "$", nullable: false, problems);
            if (problems.Count > 0)
            {
                throw new ConfigException(path, problems);
            }

            try
            {
                return document.RootElement.Deserialize<T>(Options) ?? throw new ConfigException(path, ["$: the file is empty (null)."]);
            }
            catch (JsonException e)
            {
                throw new ConfigException(path, [$"{e.Path ?? "$"}: {e.Message}"]);
            }
        }
    }
}
