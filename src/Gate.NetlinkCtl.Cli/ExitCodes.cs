namespace Gate.NetlinkCtl.Cli;

/// <summary>Every exit code gatectl returns, in one place; the README's table mirrors this.</summary>
public static class ExitCodes
{
    /// <summary>Success; for <c>plan</c> and <c>diff</c>: in sync.</summary>
    public const int Ok = 0;

    /// <summary>An operation failed (kernel refused, backend unreachable, I/O error).</summary>
    public const int Error = 1;

    /// <summary><c>plan</c>/<c>diff</c>: changes or drift pending.</summary>
    public const int ChangesPending = 2;

    /// <summary>The state file is invalid; nothing on the host was changed.</summary>
    public const int InvalidState = 3;

    /// <summary>The command line itself is wrong (unknown option, missing argument).</summary>
    public const int Usage = 64;
}
