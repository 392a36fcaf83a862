using System.Text.RegularExpressions;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>
/// The role adds path drop-ins only when its paths differ from the ones the shipped units name, so the two must
/// agree: a unit that moves the binary or the state file without the role knowing would run a missing program.
/// </summary>
public sealed partial class RoleUnitPathsTests
{
    [Theory]
    [InlineData("gatectl.service", "run")]
    [InlineData("gatectl-reconcile.service", "apply")]
    public async Task The_shipped_units_run_gatectl_from_the_paths_the_role_assumes(string unit, string verb)
    {
        var roleVars = await File.ReadAllTextAsync(SourceTree.PathOf("ansible", "roles", "gatectl", "vars", "main.yml"), TestContext.Current.CancellationToken);
        var unitLines = await File.ReadAllLinesAsync(SourceTree.PathOf("systemd", unit), TestContext.Current.CancellationToken);

        var executable = RoleVariable().Matches(roleVars).Single(m => m.Groups["name"].Value == "gatectl_unit_binary_executable").Groups["value"].Value;
        var state = RoleVariable().Matches(roleVars).Single(m => m.Groups["name"].Value == "gatectl_unit_default_state_path").Groups["value"].Value;

        Assert.Equal([$"ExecStart={executable} {verb} {state}"], unitLines.Where(l => l.StartsWith("ExecStart=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Both_services_get_the_same_soracom_api_drop_in_and_the_role_installs_each()
    {
        static async Task<string[]> Directives(string unit) =>
            (await File.ReadAllLinesAsync(SourceTree.PathOf("systemd", $"{unit}.d", "soracom-api.conf"), TestContext.Current.CancellationToken))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

        var roleVars = await File.ReadAllTextAsync(SourceTree.PathOf("ansible", "roles", "gatectl", "vars", "main.yml"), TestContext.Current.CancellationToken);
        var listed = Regex.Match(roleVars, @"^gatectl_soracom_dropin_units:\n((?:  - .+\n)+)", RegexOptions.Multiline).Groups[1].Value
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()[2..]);
        var shipped = Directory.GetFiles(SourceTree.PathOf("systemd"), "soracom-api.conf", SearchOption.AllDirectories)
            .Select(f => Path.GetFileName(Path.GetDirectoryName(f))![..^2]).Order(StringComparer.Ordinal);

        Assert.Equal(["gatectl-reconcile.service", "gatectl.service"], shipped);
        Assert.Equal(shipped, listed.Order(StringComparer.Ordinal));
        Assert.Equal(await Directives("gatectl.service"), await Directives("gatectl-reconcile.service"));
    }

    [GeneratedRegex(@"^(?<name>gatectl_unit_(default|binary)_\w+): (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex RoleVariable();
}
