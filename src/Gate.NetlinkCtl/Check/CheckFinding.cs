namespace Gate.NetlinkCtl.Check;

/// <summary>How one check came out.</summary>
internal enum CheckVerdict
{
    /// <summary>✔ nothing in the way.</summary>
    Pass,

    /// <summary>⚠ works now, but something could stop it or hides a problem.</summary>
    Warn,

    /// <summary>✘ traffic cannot flow as the state wants.</summary>
    Fail,
}

/// <summary>One line of <c>gatectl check</c>: which check, on which gate, what was seen, and the fix when it did not pass.</summary>
/// <param name="Gate">The gate's name, or <c>host</c> for host-wide checks.</param>
/// <param name="Check">The check's short name (<c>route</c>, <c>underlay</c>, <c>mtu</c>, ...).</param>
/// <param name="Verdict">The outcome.</param>
/// <param name="Seen">What was found, in words and figures.</param>
/// <param name="Fix">What to do about it; null for a pass.</param>
internal sealed record CheckFinding(string Gate, string Check, CheckVerdict Verdict, string Seen, string? Fix = null)
{
    /// <summary>A pass.</summary>
    public static CheckFinding Pass(string gate, string check, string seen) => new(gate, check, CheckVerdict.Pass, seen);

    /// <summary>A warning and what to do.</summary>
    public static CheckFinding Warn(string gate, string check, string seen, string fix) => new(gate, check, CheckVerdict.Warn, seen, fix);

    /// <summary>A failure and what to do.</summary>
    public static CheckFinding Fail(string gate, string check, string seen, string fix) => new(gate, check, CheckVerdict.Fail, seen, fix);

    /// <summary>The verdict's mark: ✔, ⚠ or ✘.</summary>
    public string Mark => Verdict switch
    {
        CheckVerdict.Pass => "✔",
        CheckVerdict.Warn => "⚠",
        _ => "✘",
    };
}

/// <summary>Everything one <c>gatectl check</c> found, in the order it was checked.</summary>
internal sealed record CheckReport(IReadOnlyList<CheckFinding> Findings)
{
    /// <summary>The worst verdict (Pass when there are no findings).</summary>
    public CheckVerdict Worst => Findings.Count == 0 ? CheckVerdict.Pass : Findings.Max(f => f.Verdict);

    /// <summary>The findings about one gate (or <c>host</c>).</summary>
    public IEnumerable<CheckFinding> Of(string gate) => Findings.Where(f => f.Gate == gate);
}
