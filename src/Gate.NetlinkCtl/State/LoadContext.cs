using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>What one load collects: the source map and every error so far.</summary>
internal sealed class LoadContext(string file)
{
    public StateSourceMap Map { get; } = new(file);

    public List<StateError> Errors { get; } = [];

    /// <summary>Reports an error at <paramref name="node"/> and marks <paramref name="path"/> as unreadable.</summary>
    public void Error(string path, YamlNode node, string message)
    {
        var mark = YamlFields.Mark(node);
        Errors.Add(new StateError(Map.File, mark.Line, mark.Column, path, message));
        Map.MarkBroken(path);
    }
}
