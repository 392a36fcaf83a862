namespace Gate.NetlinkCtl.Daemon;

/// <summary>The daemon could not start: its state file is invalid and there is no earlier good state to keep.</summary>
internal sealed class StateRejectedException : GatectlException
{
    /// <summary>Creates the exception from the file's errors.</summary>
    public StateRejectedException(string path, IReadOnlyList<string> errors)
        : base($"{path}: the state file was refused, so the daemon has no state to keep in force:{Environment.NewLine}"
            + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
    {
        Errors = errors;
        Subject = path;
    }

    /// <summary>Every error found in the file.</summary>
    public IReadOnlyList<string> Errors { get; }
}
