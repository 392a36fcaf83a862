using System.Security.Cryptography;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// The daemon's view of its state file: the last good state stays in force until a valid new content
/// replaces it; content is compared by SHA-256, so a touch or a rewrite of the same bytes changes nothing.
/// </summary>
internal sealed class StateInForce(string path)
{
    private string? _lastSeenHash;

    /// <summary>The file's path.</summary>
    public string Path { get; } = path;

    /// <summary>The state in force, or null before the first valid read.</summary>
    public DesiredState? Current { get; private set; }

    /// <summary>The SHA-256 (hex) of the content in force.</summary>
    public string? CurrentHash { get; private set; }

    /// <summary>When the state in force was read.</summary>
    public DateTimeOffset? LoadedAt { get; private set; }

    /// <summary>The errors of the latest content when it was refused (it stays refused until the file changes); empty otherwise.</summary>
    public IReadOnlyList<string> RejectedErrors { get; private set; } = [];

    /// <summary>Reads the file if its content changed since the last read.</summary>
    /// <returns>What happened: unchanged, a new state in force, or a refused content.</returns>
    public StateFileRead Refresh()
    {
        StateFileText text;
        try
        {
            // One open handle: a file renamed over this one meanwhile is read whole, old or new, never half of each.
            text = StateLoader.ReadText(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file missing for a moment (an editor's save dance) is not a new state: keep the old one.
            return Refuse(hash: null, [$"{Path}: cannot read the state file: {ex.Message}"]);
        }

        if (text.Refusal is { } refusal)
        {
            // Not hashed: fixing the file's owner or mode without changing its bytes must still load it.
            return Refuse(hash: null, [refusal.ToString()]);
        }

        var content = text.Content!;

        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));
        if (hash == _lastSeenHash)
        {
            return StateFileRead.Unchanged;
        }

        _lastSeenHash = hash;
        var parse = StateFile.Parse(content, Path);
        if (!parse.IsValid)
        {
            return Refuse(hash, parse.Errors.Count > 0 ? [.. parse.Errors.Select(e => e.ToString())] : [$"{Path}: the state file is not a valid state"]);
        }

        Current = parse.State;
        CurrentHash = hash;
        LoadedAt = DateTimeOffset.UtcNow;
        RejectedErrors = [];
        return StateFileRead.Loaded;
    }

    private StateFileRead Refuse(string? hash, IReadOnlyList<string> errors)
    {
        _lastSeenHash = hash;
        RejectedErrors = errors;
        return StateFileRead.Refused;
    }
}

/// <summary>The result of <see cref="StateInForce.Refresh"/>.</summary>
internal enum StateFileRead
{
    /// <summary>Same content as last time.</summary>
    Unchanged,

    /// <summary>New, valid content is now in force.</summary>
    Loaded,

    /// <summary>The content is invalid or unreadable; the previous state (if any) stays in force.</summary>
    Refused,
}
