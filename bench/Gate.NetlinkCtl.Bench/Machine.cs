using System.Globalization;

namespace Gate.NetlinkCtl.Bench;

/// <summary>The machine the figures were measured on: CPUs, CPU model, kernel, memory.</summary>
public sealed record Machine(int Cpus, string CpuModel, string Kernel, long MemoryMib)
{
    /// <summary>Reads it from /proc.</summary>
    public static Machine Current()
    {
        var model = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var memKib = File.ReadLines("/proc/meminfo")
            .Where(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture))
            .FirstOrDefault();
        return new Machine(Environment.ProcessorCount, model, kernel, memKib / 1024);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Cpus} CPUs ({CpuModel}), kernel {Kernel}, {MemoryMib / 1024.0:0.0} GiB RAM");
}
