namespace Gate.NetlinkCtl.Cli.Tests;

public class VersionCommandTests
{
    [Fact]
    public void Version_prints_the_assembly_version_and_exits_ok()
    {
        var stdout = new StringWriter();

        var exit = GatectlCli.Run(["version"], stdout, new StringWriter());

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("gatectl 0.1.0", stdout.ToString().Trim());
    }
}
