namespace Gate.NetlinkCtl.State;

/// <summary>One thing wrong with a state file: where it is, which field, what is wrong and what is expected.</summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Line">1-based line, or 0 when the state did not come from a file.</param>
/// <param name="Column">1-based column, or 0 when the state did not come from a file.</param>
/// <param name="Path">The field's path, such as <c>gates[1].endpoints[0]</c>; empty for the document itself.</param>
/// <param name="Message">What is wrong, then what is expected or what to do.</param>
internal sealed record StateError(string File, int Line, int Column, string Path, string Message)
{
    /// <summary>Formats the error as <c>file:line:column: path: message</c>, the way compilers do.</summary>
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Path.Length > 0 ? $"{location}: {Path}: {Message}" : $"{location}: {Message}";
    }
}
