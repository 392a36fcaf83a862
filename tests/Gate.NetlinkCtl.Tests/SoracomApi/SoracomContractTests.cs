using System.Net.Http.Headers;
using System.Text;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.SoracomApi;

/// <summary>The contract file itself, and the test server's checks of it: a request or answer outside the spec fails the test.</summary>
public sealed class SoracomContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_contract_names_its_source_and_holds_the_specs_shapes_gatectl_relies_on()
    {
        var text = File.ReadAllText(SourceTree.PathOf("tests", "contracts", "soracom-api.json"));
        var contract = SoracomContract.Default;

        Assert.Contains("\"repository\": \"soracom/soracom-cli\"", text, StringComparison.Ordinal);
        Assert.Contains("\"file\": \"generators/assets/soracom-api.en.yaml\"", text, StringComparison.Ordinal);
        Assert.Equal("/v1", contract.BasePath);
        Assert.Equal(["X-Soracom-API-Key", "X-Soracom-Token"], contract.AuthHeaders);
        // netmask is a string and no GatePeer field is required; a number is not a netmask.
        Assert.Empty(contract.CheckResponse("listGatePeers", 200, """[{"netmask": "255.254.0.0"}, {}]"""));
        Assert.Equal(["listGatePeers HTTP 200[0]: GatePeer.netmask must be a string, got number"], contract.CheckResponse("listGatePeers", 200, """[{"outerIpAddress": "203.0.113.4", "netmask": 15}]"""));
        Assert.Equal(["registerGatePeer: RegisterGatePeerRequest.outerIpAddress is required"], contract.CheckRequest("registerGatePeer", """{"innerIpAddress": "198.18.0.10"}"""));
        Assert.Equal(["getVirtualPrivateGateway HTTP 403: APICallErrorMessage.message is required"], contract.CheckResponse("getVirtualPrivateGateway", 403, """{"code": "SEM0016"}"""));
        Assert.Equal("unregisterGatePeer", contract.OperationOf("DELETE", "/v1/virtual_private_gateways/vpg-1/gate/peers/192.0.2.10", out var parameters));
        Assert.Equal("192.0.2.10", parameters["outer_ip_address"]);
        Assert.Null(contract.OperationOf("PUT", "/v1/virtual_private_gateways/vpg-1/gate/peers", out _));
    }

    [Fact]
    public async Task A_request_outside_the_contract_is_refused_recorded_and_fails_the_test_that_sent_it()
    {
        var api = new FakeSoracomApi();
        using var http = new HttpClient();
        using var noHeaders = await http.GetAsync(new Uri(api.BaseUrl, $"/v1/virtual_private_gateways/{api.VpgId}/gate/peers"), Ct);
        using var body = new StringContent("""{"authKeyId": "k", "authKey": "s", "apiKey": "not a field of AuthRequest"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var extraField = await http.PostAsync(new Uri(api.BaseUrl, "/v1/auth"), body, Ct);
        using var unknown = await http.GetAsync(new Uri(api.BaseUrl, "/v1/virtual_private_gateways"), Ct);

        Assert.Equal(400, (int)noHeaders.StatusCode);
        Assert.Equal(400, (int)extraField.StatusCode);
        Assert.Equal(4, api.Violations.Count);
        Assert.Contains("listGatePeers without the X-Soracom-API-Key header", api.Violations[0], StringComparison.Ordinal);
        Assert.Contains("listGatePeers without the X-Soracom-Token header", api.Violations[1], StringComparison.Ordinal);
        Assert.Contains("AuthRequest has no field apiKey", api.Violations[2], StringComparison.Ordinal);
        Assert.Contains("no operation of the spec has this method and path", api.Violations[3], StringComparison.Ordinal);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () => await api.DisposeAsync());
        Assert.Contains("the SORACOM API contract (tests/contracts/soracom-api.json) was broken", failure.Message, StringComparison.Ordinal);
    }
}
