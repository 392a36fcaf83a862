namespace Gate.NetlinkCtl.Bench;

/// <summary>Repeated measurements of one thing, summarised by their median and 99th percentile.</summary>
public sealed class Samples
{
    private readonly List<double> _values = [];

    /// <summary>How many measurements there are.</summary>
    public int Count => _values.Count;

    /// <summary>Adds a time, in milliseconds.</summary>
    public void Add(TimeSpan time) => _values.Add(time.TotalMilliseconds);

    /// <summary>Adds a plain value (for example Gbit/s).</summary>
    public void Add(double value) => _values.Add(value);

    /// <summary>The median.</summary>
    public double Median => Percentile(50);

    /// <summary>The 99th percentile (nearest rank): with 100 samples, the second largest.</summary>
    public double P99 => Percentile(99);

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0..100).</summary>
    public double Percentile(double p)
    {
        if (_values.Count == 0)
        {
            throw new InvalidOperationException("no samples");
        }

        var sorted = _values.Order().ToList();
        if (p == 50 && sorted.Count % 2 == 0)
        {
            return (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
