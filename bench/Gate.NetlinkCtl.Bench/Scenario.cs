namespace Gate.NetlinkCtl.Bench;

/// <summary>One way of doing a scenario's work: untimed preparation before each repetition, then the timed run.</summary>
/// <param name="Label">What this way is, e.g. "bridge -batch".</param>
/// <param name="BeforeEach">Untimed: puts the namespace in the state the run starts from.</param>
/// <param name="Run">Timed: the work itself.</param>
public sealed record Contender(string Label, Func<Task> BeforeEach, Func<Task> Run);

/// <summary>A benchmark scenario: the same work done by a baseline and by the subject, compared as a ratio.</summary>
/// <param name="Name">What is measured, e.g. "install 10,000 all-zero FDB entries".</param>
/// <param name="Baseline">The reference way (usually iproute2).</param>
/// <param name="Subject">gatectl's way.</param>
public sealed record Scenario(string Name, Contender Baseline, Contender Subject)
{
    /// <summary>Untimed, once before the repetitions.</summary>
    public Func<Task> Setup { get; init; } = () => Task.CompletedTask;

    /// <summary>Untimed, once after the repetitions (also when one fails).</summary>
    public Func<Task> Teardown { get; init; } = () => Task.CompletedTask;
}

/// <summary>What a scenario measured: the median of each contender's repetitions.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Baseline">The baseline's median time.</param>
/// <param name="Subject">The subject's median time.</param>
/// <param name="Repetitions">Repetitions per contender.</param>
public sealed record ScenarioResult(Scenario Scenario, TimeSpan Baseline, TimeSpan Subject, int Repetitions)
{
    /// <summary>Baseline time over subject time: above 1 means the subject is faster.</summary>
    public double Ratio => Baseline.TotalMilliseconds / Subject.TotalMilliseconds;
}
