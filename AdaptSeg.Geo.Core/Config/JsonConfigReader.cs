using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdaptSeg.Geo.Config;

/// <summary>
/// Reads a JSON configuration into records with <c>required</c> members, reporting every problem
/// at once with its JSON path: unknown keys (with the closest known key), missing required keys,
/// and values of the wrong type. System.Text.Json alone stops at the first problem.
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
    public static T Read<T>(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException(path, [$"$: the file does not exist. Check the path, or start from one in sample-configs/."]);
        }

        return Parse<T>(File.ReadAllText(path), path);
    }

    /// <summary>Parses JSON text (named <paramref name="path"/> in messages).</summary>
    public static T Parse<T>(string json, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ConfigException(path, [$"$: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}"]);
        }

        using (document)
        {
            var problems = new List<string>();
            Check(document.RootElement, typeof(T), "$", problems);
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

    private static void Check(JsonElement element, Type type, string at, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (element.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (IsScalar(type))
        {
            string? problem = ScalarProblem(element, type);
            if (problem is not null)
            {
                problems.Add($"{at}: {problem}");
            }

            return;
        }

        Type? itemType = ItemType(type);
        if (itemType is not null)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{at}: expected a list, found {Describe(element)}.");
                return;
            }

            int i = 0;
            foreach (JsonElement item in element.EnumerateArray())
            {
                Check(item, itemType, $"{at}[{i++}]", problems);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}: expected an object, found {Describe(element)}.");
            return;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToDictionary(JsonName, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!properties.TryGetValue(property.Name, out PropertyInfo? info))
            {
                string? suggestion = Closest(property.Name, properties.Keys);
                problems.Add($"{at}.{property.Name}: unknown key{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}. Known keys here: {string.Join(", ", properties.Keys)}.");
                continue;
            }

            seen.Add(property.Name);
            Check(property.Value, info.PropertyType, $"{at}.{property.Name}", problems);
        }

        foreach (var (name, info) in properties)
        {
            if (!seen.Contains(name) && info.GetCustomAttribute<System.Runtime.CompilerServices.RequiredMemberAttribute>() is not null)
            {
                problems.Add($"{at}.{name}: required key is missing.");
            }
        }
    }

    private static string JsonName(PropertyInfo p) =>
        p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name);

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);

    private static Type? ItemType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }

    private static string? ScalarProblem(JsonElement element, Type type)
    {
        if (type == typeof(string))
        {
            return element.ValueKind == JsonValueKind.String ? null : $"expected text, found {Describe(element)}.";
        }

        if (type == typeof(bool))
        {
            return element.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"expected true or false, found {Describe(element)}.";
        }

        if (type.IsEnum)
        {
            var names = Enum.GetNames(type).Select(n => JsonNamingPolicy.KebabCaseLower.ConvertName(n)).ToList();
            return element.ValueKind == JsonValueKind.String && names.Contains(element.GetString()!)
                ? null
                : $"expected one of {string.Join(", ", names.Select(n => $"\"{n}\""))}, found {Describe(element)}.";
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            return $"expected a number, found {Describe(element)}.";
        }

        bool integral = type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte);
        return integral && !element.TryGetInt64(out _) ? $"expected a whole number, found {element.GetRawText()}." : null;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"\"{element.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        _ => element.GetRawText(),
    };

    private static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int d = Levenshtein(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                (best, bestDistance) = (candidate, d);
            }
        }

        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
