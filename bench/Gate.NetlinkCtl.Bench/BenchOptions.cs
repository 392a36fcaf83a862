using System.Globalization;

namespace Gate.NetlinkCtl.Bench;

/// <summary>What the bench runs and how often; every value has a default that keeps one run near five minutes.</summary>
public sealed record BenchOptions
{
    /// <summary>The native gatectl to measure (the published AOT binary).</summary>
    public string Gatectl { get; init; } = "out/gatectl";

    /// <summary>Where the Markdown results are written.</summary>
    public string Output { get; init; } = "bench/results/latest.md";

    /// <summary>Gate sizes (flood endpoints) for the apply scenarios.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [100, 1_000, 10_000];

    /// <summary>Repetitions per contender for the apply scenarios (medians), each in a fresh namespace.</summary>
    public int Repetitions { get; init; } = 3;

    /// <summary>Seconds of churn (one flood entry deleted per second) before the daemon's memory is read again.</summary>
    public int ChurnSeconds { get; init; } = 60;

    /// <summary>Drift-repair trials per gate size.</summary>
    public int Trials { get; init; } = 100;

    /// <summary>Runs per contender for start-up.</summary>
    public int StartupRuns { get; init; } = 30;

    /// <summary>Seconds per iperf3 measurement.</summary>
    public int IperfSeconds { get; init; } = 3;

    /// <summary>iperf3 measurements per path (underlay and overlay alternate).</summary>
    public int IperfRounds { get; init; } = 3;

    /// <summary>Pings per path.</summary>
    public int Pings { get; init; } = 50;

    /// <summary>Repetitions for the in-process rtnetlink client scenarios.</summary>
    public int LibraryRepetitions { get; init; } = 3;

    /// <summary>Parses <c>--name value</c> pairs; <c>--quick</c> is a smoke run (small sizes, few repetitions).</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--gatectl" => options with { Gatectl = Value() },
                "--out" => options with { Output = Value() },
                "--sizes" => options with { Sizes = [.. Value().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] },
                "--repetitions" => options with { Repetitions = Int() },
                "--trials" => options with { Trials = Int() },
                "--startup-runs" => options with { StartupRuns = Int() },
                "--iperf-seconds" => options with { IperfSeconds = Int() },
                "--iperf-rounds" => options with { IperfRounds = Int() },
                "--pings" => options with { Pings = Int() },
                "--churn-seconds" => options with { ChurnSeconds = Int() },
                "--library-repetitions" => options with { LibraryRepetitions = Int() },
                "--quick" => options with
                {
                    Sizes = [100, 1_000], Repetitions = 2, Trials = 10, StartupRuns = 5, IperfSeconds = 1, IperfRounds = 1, Pings = 10,
                    LibraryRepetitions = 1, ChurnSeconds = 5,
                },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"sizes {string.Join(", ", Sizes.Select(Report.N))}; {Repetitions} repetitions per contender (medians); {Trials} drift trials; {ChurnSeconds} s daemon churn; {StartupRuns} start-up runs; iperf3 {IperfRounds} x {IperfSeconds} s per path; {Pings} pings per path");
}
