using Xunit;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// Checks what an integration test needs. Outside CI a missing prerequisite skips the test with a reason;
/// in CI (<c>CI=true</c>) it fails the test, because CI installs everything and a skip there hides a gap.
/// </summary>
public static class Prerequisites
{
    /// <summary>True when running under CI.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The test needs root (to create network namespaces).</summary>
    public static void RequireRoot() =>
        Require(Environment.UserName == "root" || geteuid() == 0, "needs root to create network namespaces (run as root or with sudo)");

    /// <summary>The test needs a program on PATH.</summary>
    public static void RequireCommand(string name, string debianPackage) =>
        Require(FindOnPath(name) is not null, $"needs '{name}' on PATH (apt-get install {debianPackage})");

    /// <summary>Skips (outside CI) or fails (in CI) when <paramref name="condition"/> is false.</summary>
    public static void Require(bool condition, string reason)
    {
        if (condition)
        {
            return;
        }

        if (InCi)
        {
            Assert.Fail($"prerequisite missing in CI: {reason}");
        }

        Assert.Skip(reason);
    }

    /// <summary>Finds an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
