namespace Gate.NetlinkCtl.Cli;

/// <summary>Every exit code gatectl returns, in one place; the README's table and the man page's EXIT STATUS mirror it.</summary>
internal static class ExitCodes
{
    /// <summary>Success; for <c>plan</c> and <c>diff</c>: in sync; for <c>check</c>: every check passed.</summary>
    public const int Ok = 0;

    /// <summary>An operation failed (kernel refused, backend unreachable, I/O error).</summary>
    public const int Error = 1;

    /// <summary><c>plan</c>/<c>diff</c>: changes or drift pending; <c>check</c>: warnings, no failure.</summary>
    public const int ChangesPending = 2;

    /// <summary>The state file is invalid; nothing on the host was changed.</summary>
    public const int InvalidState = 3;

    /// <summary>The command line itself is wrong (unknown option, missing argument).</summary>
    public const int Usage = 64;

    /// <summary>Each code with its name and meaning, for generated references (the man page); a test keeps it complete.</summary>
    public static IReadOnlyList<ExitCodeMeaning> All { get; } =
    [
        new(Ok, nameof(Ok), "Success; for plan and diff: in sync; for check: every check passed."),
        new(Error, nameof(Error), "An operation failed (kernel refused, backend unreachable, I/O error such as a missing file); check: a check failed."),
        new(ChangesPending, nameof(ChangesPending), "plan or diff: changes or drift pending; check: warnings only, no failure."),
        new(InvalidState, nameof(InvalidState), "The state file is invalid; nothing on the host was changed."),
        new(Usage, nameof(Usage), "The command line itself is wrong (unknown option, missing argument)."),
    ];
}

/// <summary>One exit code as a reference documents it.</summary>
internal sealed record ExitCodeMeaning(int Code, string Name, string Meaning);
