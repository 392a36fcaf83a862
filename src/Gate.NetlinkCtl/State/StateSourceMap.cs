namespace Gate.NetlinkCtl.State;

/// <summary>
/// Where each field of a loaded state sits in its file, keyed by path (<c>gates[0].vni</c>), and which
/// fields the loader could not read, so later checks neither lose their location nor repeat an error.
/// </summary>
internal sealed class StateSourceMap
{
    private readonly Dictionary<string, SourceMark> _marks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _broken = new(StringComparer.Ordinal);

    /// <summary>Creates an empty map for the named file.</summary>
    public StateSourceMap(string file) => File = file;

    /// <summary>The file as the user named it.</summary>
    public string File { get; }

    /// <summary>
    /// The position of <paramref name="path"/>, or of its nearest ancestor when the field was left out
    /// (a defaulted <c>gates[1].port</c> points at the <c>gates[1]</c> mapping).
    /// </summary>
    public SourceMark Locate(string path)
    {
        for (var current = path; ; current = StatePath.Parent(current))
        {
            if (_marks.TryGetValue(current, out var mark))
            {
                return mark;
            }

            if (current.Length == 0)
            {
                return SourceMark.None;
            }
        }
    }

    /// <summary>True when the loader already reported an error at <paramref name="path"/> or inside it.</summary>
    public bool IsBroken(string path) => _broken.Contains(path);

    /// <summary>Builds an error located at <paramref name="path"/>.</summary>
    public StateError ErrorAt(string path, string message)
    {
        var mark = Locate(path);
        return new StateError(File, mark.Line, mark.Column, path, message);
    }

    internal void Record(string path, SourceMark mark) => _marks[path] = mark;

    internal void MarkBroken(string path)
    {
        // A broken field also breaks its ancestors' comparisons (a peer whose outer is unreadable).
        for (var current = path; current.Length > 0; current = StatePath.Parent(current))
        {
            _broken.Add(current);
        }
    }
}
