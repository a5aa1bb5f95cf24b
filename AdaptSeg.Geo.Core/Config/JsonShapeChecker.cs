using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdaptSeg.Geo.Config;

/// <summary>
/// Checks a JSON document against a record type BEFORE deserialising it, so every problem is
/// reported at once with its JSON path (System.Text.Json stops at the first): unknown keys,
/// missing required members, wrong value kinds, nulls where a value is needed. Keys are camelCase.
/// </summary>
public static class JsonShapeChecker
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static void Check(JsonElement element, Type type, string path, bool nullable, List<string> problems)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (!nullable)
            {
                problems.Add($"{path}: must not be null.");
            }

            return;
        }

        Type? underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            type = underlying;
        }

        if (type == typeof(string))
        {
            Expect(element, JsonValueKind.String, path, "a string", problems);
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long value) || (type == typeof(int) && value is < int.MinValue or > int.MaxValue))
            {
                problems.Add($"{path}: expected a whole number, found {Describe(element)}.");
            }
        }
        else if (type == typeof(double) || type == typeof(float))
        {
            Expect(element, JsonValueKind.Number, path, "a number", problems);
        }
        else if (type.IsEnum)
        {
            // Enums are written in kebab-case ("source-only"), as JsonConfigReader's converter reads them, or by the name a member gives itself.
            var names = type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.KebabCaseLower.ConvertName(f.Name))
                .ToList();
            if (element.ValueKind != JsonValueKind.String || !names.Contains(element.GetString()!))
            {
                problems.Add($"{path}: expected one of {string.Join(", ", names.Select(n => $"\"{n}\""))}, found {Describe(element)}.");
            }
        }
        else if (type == typeof(bool))
        {
            if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problems.Add($"{path}: expected true or false, found {Describe(element)}.");
            }
        }
        else if (ElementTypeOf(type) is Type item)
        {
            if (Expect(element, JsonValueKind.Array, path, "a list [...]", problems))
            {
                int i = 0;
                foreach (JsonElement child in element.EnumerateArray())
                {
                    Check(child, item, $"{path}[{i++}]", nullable: false, problems);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.String && type.GetCustomAttribute<JsonStringShorthandAttribute>() is not null)
        {
            // Any string is the shorthand: "init": "weights.pth" stands for "init": { "path": "weights.pth" }.
        }
        else if (Expect(element, JsonValueKind.Object, path, type.GetCustomAttribute<JsonStringShorthandAttribute>() is { } s
            ? $"a string ({JsonNamingPolicy.CamelCase.ConvertName(s.Member)}) or an object {{...}}"
            : "an object {...}", problems))
        {
            CheckObject(element, type, path, problems);
        }
    }

    private static void CheckObject(JsonElement element, Type type, string path, List<string> problems)
    {
        var members = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            seen.Add(property.Name);
            if (!members.TryGetValue(property.Name, out PropertyInfo? member))
            {
                string? close = members.Keys.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase) || Distance(k, property.Name) <= 2);
                problems.Add($"{path}.{property.Name}: unknown key{(close is null ? "" : $" (did you mean '{close}'?)")}; known keys here: {string.Join(", ", members.Keys)}.");
                continue;
            }

            bool nullable = Nullable.GetUnderlyingType(member.PropertyType) is not null
                || Nullability.Create(member).WriteState == NullabilityState.Nullable;
            Check(property.Value, member.PropertyType, $"{path}.{property.Name}", nullable, problems);
        }

        foreach ((string name, PropertyInfo member) in members)
        {
            if (!seen.Contains(name) && member.GetCustomAttribute<RequiredMemberAttribute>() is not null)
            {
                problems.Add($"{path}.{name}: required, but missing.");
            }
        }
    }

    private static Type? ElementTypeOf(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is Type g
            && (g == typeof(IReadOnlyList<>) || g == typeof(List<>) || g == typeof(IList<>) || g == typeof(IEnumerable<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }

    private static bool Expect(JsonElement element, JsonValueKind kind, string path, string what, List<string> problems)
    {
        if (element.ValueKind == kind)
        {
            return true;
        }

        problems.Add($"{path}: expected {what}, found {Describe(element)}.");
        return false;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{element.GetString()}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            }
        }

        return d[a.Length, b.Length];
    }
}
