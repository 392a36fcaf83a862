namespace Gate.NetlinkCtl.State;

/// <summary>A state file's text as read in one go, or why it was refused before parsing (too large, untrusted).</summary>
/// <param name="Content">The text, or null when refused.</param>
/// <param name="Refusal">Why the file was not read, or null.</param>
internal sealed record StateFileText(string? Content, StateError? Refusal);
