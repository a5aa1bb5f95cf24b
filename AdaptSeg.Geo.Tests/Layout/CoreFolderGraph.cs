using System.Text.RegularExpressions;

namespace AdaptSeg.Geo.Tests.Layout;

/// <summary>
/// Which top-level folders of AdaptSeg.Geo.Core use which, read from the sources with the rule of the
/// project's before-stop check: a file in folder A uses folder B when it names <c>AdaptSeg.Geo.B</c>
/// (a using or a qualified name) or <c>B.Something</c>, after comments and string literals are removed.
/// </summary>
public sealed partial class CoreFolderGraph
{
    private readonly Dictionary<string, SortedSet<string>> _uses;

    private CoreFolderGraph(Dictionary<string, SortedSet<string>> uses) => _uses = uses;

    /// <summary>Reads every .cs file under <paramref name="coreRoot"/> (bin/ and obj/ left out).</summary>
    public static CoreFolderGraph Read(string coreRoot)
    {
        var folders = Directory.GetDirectories(coreRoot)
            .Select(dir => Path.GetFileName(dir))
            .Where(name => name is not ("bin" or "obj"))
            .ToHashSet(StringComparer.Ordinal);
        var uses = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            var used = new SortedSet<string>(StringComparer.Ordinal);
            foreach (string file in Directory.EnumerateFiles(Path.Combine(coreRoot, folder), "*.cs", SearchOption.AllDirectories))
            {
                string code = CommentOrString().Replace(File.ReadAllText(file), "");
                IEnumerable<string> names = GeoNamespace().Matches(code).Select(m => m.Groups[1].Value)
                    .Concat(QualifiedName().Matches(code).Select(m => m.Groups[1].Value));
                used.UnionWith(names.Where(name => name != folder && folders.Contains(name)));
            }

            uses[folder] = used;
        }

        return new CoreFolderGraph(uses);
    }

    /// <summary>The folders <paramref name="folder"/> uses.</summary>
    public IReadOnlySet<string> Uses(string folder) => _uses.TryGetValue(folder, out var used) ? used : new SortedSet<string>();

    /// <summary>
    /// Every use that breaks <paramref name="bottomUp"/> (folders from the bottom; a folder may use only
    /// those before it), as "A uses B, which is not below it", and every folder the order leaves out.
    /// </summary>
    public IReadOnlyList<string> AgainstOrder(IReadOnlyList<string> bottomUp)
    {
        var rank = bottomUp.Select((folder, i) => (folder, i)).ToDictionary(p => p.folder, p => p.i, StringComparer.Ordinal);
        var problems = _uses.Keys.Where(folder => !rank.ContainsKey(folder)).Select(folder => $"{folder} is not in the order").ToList();
        foreach (var (folder, used) in _uses.Where(kv => rank.ContainsKey(kv.Key)))
        {
            problems.AddRange(used.Where(b => !rank.TryGetValue(b, out int r) || r >= rank[folder]).Select(b => $"{folder} uses {b}, which is not below it"));
        }

        return problems.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Pairs of folders that use each other, each written "A&lt;-&gt;B" with A before B.</summary>
    public IReadOnlyList<string> MutualPairs() =>
        _uses.SelectMany(a => a.Value.Where(b => string.CompareOrdinal(a.Key, b) < 0 && Uses(b).Contains(a.Key)).Select(b => $"{a.Key}<->{b}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Each dependency cycle, as its folders in order ("A -> B -> C -> A"), found from every folder that
    /// reaches itself; pairs that use each other are cycles of two.
    /// </summary>
    public IReadOnlyList<string> Cycles()
    {
        var cycles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string start in _uses.Keys)
        {
            // Breadth-first from start: the shortest path back to it, if there is one.
            var previous = new Dictionary<string, string>(StringComparer.Ordinal);
            var queue = new Queue<string>([start]);
            while (queue.Count > 0 && !previous.ContainsKey(start))
            {
                string folder = queue.Dequeue();
                foreach (string next in Uses(folder).Where(n => !previous.ContainsKey(n)))
                {
                    previous[next] = folder;
                    queue.Enqueue(next);
                }
            }

            if (previous.ContainsKey(start))
            {
                var path = new List<string> { start };
                for (string at = previous[start]; at != start; at = previous[at])
                {
                    path.Insert(0, at);
                }

                // One name per cycle: start it at its smallest folder.
                int first = path.IndexOf(path.Min(StringComparer.Ordinal)!);
                var rotated = path.Skip(first).Concat(path.Take(first)).ToList();
                cycles.Add(string.Join(" -> ", rotated.Append(rotated[0])));
            }
        }

        return [.. cycles];
    }

    [GeneratedRegex("""//[^\n]*|"(?:\\.|[^"\\])*" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex CommentOrString();

    [GeneratedRegex(@"AdaptSeg\.Geo\.([A-Z][A-Za-z]+)")]
    private static partial Regex GeoNamespace();

    [GeneratedRegex(@"(?<![\w.])([A-Z][A-Za-z]+)\.[A-Z]\w*")]
    private static partial Regex QualifiedName();
}
