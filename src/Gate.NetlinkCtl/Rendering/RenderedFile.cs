namespace Gate.NetlinkCtl.Rendering;

/// <summary>One file a render produced.</summary>
/// <param name="RelativePath">Where it goes under the output directory (forward slashes, never absolute, never <c>..</c>).</param>
/// <param name="Content">Its text.</param>
internal sealed record RenderedFile(string RelativePath, string Content)
{
    /// <summary>Whether the file is a script (starts with <c>#!</c>) and so should be executable.</summary>
    public bool IsScript => Content.StartsWith("#!", StringComparison.Ordinal);
}
