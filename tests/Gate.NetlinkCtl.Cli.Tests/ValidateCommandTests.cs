using System.Text.Json;

namespace Gate.NetlinkCtl.Cli.Tests;

public sealed class ValidateCommandTests : IDisposable
{
    private const string Valid = """
        apiVersion: gatectl/v1
        kind: GatePeer
        gates:
          - name: lab
            interface: vxlan0
            underlay: eth0
            local: 192.0.2.10
            address: 198.18.0.254/15
            endpoints: [203.0.113.4, 203.0.113.132]
          - name: lab2
            interface: vxlan1
            underlay: eth0
            local: 198.51.100.10
            address: 198.18.0.253/15
            state: absent
        """;

    private const string Invalid = """
        apiVersion: gatectl/v1
        kind: GatePeer
        gates:
          - name: lab
            interface: vxlan0
            vni: 0
            underlay: eth0
            local: 192.0.2.10
            address: 198.18.0.254/15
            endpoint: [203.0.113.4]
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("gatectl-validate-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public static TheoryData<string> Examples =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        _stdout.Dispose();
        _stderr.Dispose();
    }

    [Fact]
    public void A_valid_file_says_ok_with_its_gate_count_and_exits_0()
    {
        var path = Write("state.yaml", Valid);

        var exit = GatectlCli.Run(["validate", path], _stdout, _stderr);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal($"{path}: ok (2 gates)", _stdout.ToString().Trim());
        Assert.Empty(_stderr.ToString());
    }

    [Fact]
    public void An_invalid_file_prints_every_located_error_on_stderr_and_exits_3()
    {
        var path = Write("state.yaml", Invalid);

        var exit = GatectlCli.Run(["validate", path], _stdout, _stderr);

        Assert.Equal(ExitCodes.InvalidState, exit);
        Assert.Empty(_stdout.ToString());
        Assert.Equal(
            [
                $"{path}:6:10: gates[0].vni: 0 is out of range; expected an integer 1..16777215",
                $"{path}:10:5: gates[0].endpoint: unknown key 'endpoint'; did you mean 'endpoints'?",
                $"{path}: 2 errors; nothing was changed",
            ],
            _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Json_output_of_an_invalid_file_lists_each_error_with_its_position()
    {
        var path = Write("state.yaml", Invalid);

        var exit = GatectlCli.Run(["validate", path, "--output", "json"], _stdout, _stderr);

        Assert.Equal(ExitCodes.InvalidState, exit);
        using var json = JsonDocument.Parse(_stdout.ToString());
        var root = json.RootElement;
        Assert.Equal(path, root.GetProperty("file").GetString());
        Assert.False(root.GetProperty("valid").GetBoolean());
        var first = root.GetProperty("errors")[0];
        Assert.Equal(6, first.GetProperty("line").GetInt32());
        Assert.Equal(10, first.GetProperty("column").GetInt32());
        Assert.Equal("gates[0].vni", first.GetProperty("path").GetString());
        Assert.Equal("0 is out of range; expected an integer 1..16777215", first.GetProperty("message").GetString());
        Assert.Equal(2, root.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public void Json_output_of_a_valid_file_says_valid_with_its_gate_count()
    {
        var path = Write("state.yaml", Valid);

        var exit = GatectlCli.Run(["validate", "-o", "json", path], _stdout, _stderr);

        Assert.Equal(ExitCodes.Ok, exit);
        using var json = JsonDocument.Parse(_stdout.ToString());
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("gates").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public void A_missing_file_is_an_error_that_names_the_file_and_exits_1()
    {
        var path = Path.Combine(_directory, "missing.yaml");

        var exit = GatectlCli.Run(["validate", path], _stdout, _stderr);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Equal($"gatectl: cannot read state file '{path}': no such file", _stderr.ToString().Trim());
    }

    [Fact]
    public void An_unknown_output_format_is_a_usage_error()
    {
        var path = Write("state.yaml", Valid);

        var exit = GatectlCli.Run(["validate", path, "--output", "xml"], _stdout, _stderr);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("'xml'", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_without_a_file_is_a_usage_error() =>
        Assert.Equal(ExitCodes.Usage, GatectlCli.Run(["validate"], _stdout, _stderr));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_in_the_repository_validates(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "examples", name);

        var exit = GatectlCli.Run(["validate", path], _stdout, _stderr);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Matches(@": ok \(\d+ gates?\)$", _stdout.ToString().Trim());
    }

    [Fact]
    public void The_soracom_example_is_among_the_examples() =>
        Assert.Contains("soracom-gate.yaml", Examples.Select(row => row.Data));

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
