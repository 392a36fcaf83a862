using System.Net;

namespace Gate.NetlinkCtl.Health;

/// <summary>
/// One target's probe history: its state with hysteresis (down after <see cref="DownAfter"/> probes in a row without a
/// reply, up again at the first reply, so one lost echo on a lossy path neither flips the state nor logs), its loss over
/// the last <see cref="Window"/> probes, and its last round trip.
/// </summary>
internal sealed class TargetHealthTracker(IPAddress target)
{
    /// <summary>How many of the latest probes the loss ratio is taken over (10 minutes at the default 30 s).</summary>
    public const int Window = 20;

    /// <summary>Probes in a row without a reply that make a target down (90 s at the default 30 s).</summary>
    public const int DownAfter = 3;

    private readonly Queue<bool> _window = new(Window);
    private int _missesInARow;

    /// <summary>The inner address probed.</summary>
    public IPAddress Target { get; } = target;

    /// <summary>The target's state.</summary>
    public TargetState State { get; private set; } = TargetState.Pending;

    /// <summary>Why probing is not possible, while <see cref="State"/> is <see cref="TargetState.Unavailable"/>.</summary>
    public string? Problem { get; private set; }

    /// <summary>The latest reply's round trip, or null before the first reply.</summary>
    public TimeSpan? LastRoundTrip { get; private set; }

    /// <summary>Echo requests sent since the monitor started.</summary>
    public long Sent { get; private set; }

    /// <summary>Replies received since the monitor started.</summary>
    public long Replies { get; private set; }

    /// <summary>When the latest probe ended.</summary>
    public DateTimeOffset? LastProbeAt { get; private set; }

    /// <summary>When <see cref="State"/> last changed.</summary>
    public DateTimeOffset? ChangedAt { get; private set; }

    /// <summary>The share of the latest probes (at most <see cref="Window"/>) without a reply, 0..1; 0 before any probe.</summary>
    public double LossRatio => _window.Count == 0 ? 0 : (double)_window.Count(answered => !answered) / _window.Count;

    /// <summary>Probes the loss ratio is taken over.</summary>
    public int WindowProbes => _window.Count;

    /// <summary>Records one probe: its round trip, or null when no reply came in time. Returns <see cref="TargetState.Down"/> when the target went down, <see cref="TargetState.Up"/> when it came back from down, else null.</summary>
    public TargetState? Record(TimeSpan? roundTrip, DateTimeOffset at)
    {
        Sent++;
        LastProbeAt = at;
        Problem = null;
        if (_window.Count == Window)
        {
            _window.Dequeue();
        }

        _window.Enqueue(roundTrip is not null);
        var before = State;
        if (roundTrip is { } rtt)
        {
            Replies++;
            LastRoundTrip = rtt;
            _missesInARow = 0;
            State = TargetState.Up;
        }
        else if (++_missesInARow >= DownAfter)
        {
            State = TargetState.Down;
        }
        else if (State == TargetState.Unavailable)
        {
            State = TargetState.Pending;
        }

        if (State == before)
        {
            return null;
        }

        ChangedAt = at;
        // A first reply is not news; a target coming back is.
        return State == TargetState.Down || (State == TargetState.Up && before == TargetState.Down) ? State : null;
    }

    /// <summary>Records that no echo could be sent (no ICMP socket). Returns true the first time, so it is logged once.</summary>
    public bool RecordUnavailable(string problem, DateTimeOffset at)
    {
        LastProbeAt = at;
        Problem = problem;
        if (State == TargetState.Unavailable)
        {
            return false;
        }

        State = TargetState.Unavailable;
        ChangedAt = at;
        return true;
    }

    /// <summary>The target as the status file and the metrics show it.</summary>
    public ProbeTargetStatus Snapshot() => new(
        Target.ToString(),
        StateName(State),
        LastRoundTrip?.TotalSeconds,
        LossRatio,
        WindowProbes,
        Sent,
        Replies,
        LastProbeAt,
        ChangedAt,
        Problem);

    /// <summary>The state's name as written in the status file.</summary>
    public static string StateName(TargetState state) => state switch
    {
        TargetState.Up => "up",
        TargetState.Down => "down",
        TargetState.Unavailable => "unavailable",
        _ => "pending",
    };
}

/// <summary>What the monitor knows about a target.</summary>
internal enum TargetState
{
    /// <summary>No reply yet, and fewer than <see cref="TargetHealthTracker.DownAfter"/> probes without one.</summary>
    Pending,

    /// <summary>The latest probes got a reply.</summary>
    Up,

    /// <summary>The latest <see cref="TargetHealthTracker.DownAfter"/> probes or more got no reply.</summary>
    Down,

    /// <summary>No echo can be sent from this process (no ICMP socket).</summary>
    Unavailable,
}
