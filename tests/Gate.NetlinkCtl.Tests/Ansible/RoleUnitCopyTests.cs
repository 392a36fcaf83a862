using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>
/// The role ships its own copies of the units (ansible/roles/gatectl/files/systemd), so it works once copied into
/// another repository or installed by ansible-galaxy; systemd/ stays the one place they are edited.
/// </summary>
public sealed class RoleUnitCopyTests
{
    private static readonly string Repository = SourceTree.PathOf("systemd");
    private static readonly string RoleCopy = SourceTree.PathOf("ansible", "roles", "gatectl", "files", "systemd");

    [Fact]
    public void The_role_ships_every_unit_and_drop_in_of_the_repository_byte_for_byte()
    {
        var repository = RelativeFiles(Repository);
        var roleCopy = RelativeFiles(RoleCopy);

        Assert.True(repository.SequenceEqual(roleCopy),
            $"the role's files/systemd holds [{string.Join(", ", roleCopy)}], systemd/ holds [{string.Join(", ", repository)}]: "
            + "cp -a systemd/. ansible/roles/gatectl/files/systemd/ (and remove what systemd/ no longer has)");
        var differing = repository.Where(f => !File.ReadAllBytes(Path.Combine(Repository, f)).AsSpan()
            .SequenceEqual(File.ReadAllBytes(Path.Combine(RoleCopy, f)))).ToList();
        Assert.True(differing.Count == 0,
            $"the role's copies of {string.Join(", ", differing)} differ from systemd/: cp -a systemd/. ansible/roles/gatectl/files/systemd/");
    }

    [Fact]
    public void The_role_reads_its_units_from_its_own_files_not_from_the_repository_around_it()
    {
        var defaults = File.ReadAllText(SourceTree.PathOf("ansible", "roles", "gatectl", "defaults", "main.yml"));

        Assert.Contains("gatectl_unit_src_dir: \"{{ role_path }}/files/systemd\"", defaults, StringComparison.Ordinal);
        var roleFiles = Directory.EnumerateFiles(SourceTree.PathOf("ansible", "roles", "gatectl"), "*.yml", SearchOption.AllDirectories);
        Assert.DoesNotContain(roleFiles, f => File.ReadAllText(f).Contains("role_path }}/..", StringComparison.Ordinal));
    }

    private static List<string> RelativeFiles(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal)];
}
