using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.SoracomApi;

/// <summary>The <c>soracom</c> section of a gate and <c>host.stateDirectory</c>: read, defaults, written back.</summary>
public sealed class SoracomStateTests
{
    private const string Yaml = """
        apiVersion: gatectl/v1
        kind: GatePeer
        host:
          stateDirectory: /tmp/gatectl-state
        gates:
          - name: soracom
            interface: vxlan0
            underlay: eth0
            local: 192.0.2.10
            address: 198.18.0.254/15
            soracom:
              vpgId: vpg-abcd1234
              coverage: global
              credentials: {file: /etc/gatectl/soracom.json}
        """;

    [Fact]
    public void The_soracom_section_is_read_with_its_defaults_and_no_literal_endpoints_are_needed()
    {
        var result = StateFile.Parse(Yaml, "state.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var soracom = result.State!.Gates[0].Soracom!;
        Assert.Equal("vpg-abcd1234", soracom.VpgId);
        Assert.Equal(SoracomCoverage.Global, soracom.Coverage);
        Assert.Equal(new SoracomCredentialsSource("/etc/gatectl/soracom.json", false), soracom.Credentials);
        Assert.Equal(new Uri("https://g.api.soracom.io"), soracom.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(10), soracom.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(1), soracom.RefreshInterval);
        Assert.Equal("/tmp/gatectl-state", result.State.Host.StateDirectory);
        Assert.Empty(result.State.Gates[0].Endpoints);
    }

    [Fact]
    public void The_api_url_overrides_the_coverages_base_url()
    {
        var result = StateFile.Parse(Yaml.Replace("coverage: global", "coverage: jp\n      apiUrl: http://127.0.0.1:18080", StringComparison.Ordinal), "state.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(new Uri("http://127.0.0.1:18080"), result.State!.Gates[0].Soracom!.BaseUrl);
    }

    [Fact]
    public void Written_back_and_read_again_the_state_is_the_same()
    {
        var state = StateFile.Parse(Yaml, "state.yaml").State!;

        var again = StateFile.Parse(StateWriter.Write(state), "shown.yaml");

        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(state, again.State);
    }

    [Fact]
    public void A_secret_in_the_state_file_is_refused_and_never_echoed()
    {
        var result = StateFile.Parse(Yaml.Replace("{file: /etc/gatectl/soracom.json}", "{authKeyId: keyId-leak0001, authKey: secret-leak0002}", StringComparison.Ordinal), "state.yaml");

        Assert.False(result.IsValid);
        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Contains("credentials are never written in the state file", e.Message, StringComparison.Ordinal));
        Assert.All(result.Errors, e => Assert.DoesNotContain("leak", e.ToString(), StringComparison.Ordinal));
    }
}
