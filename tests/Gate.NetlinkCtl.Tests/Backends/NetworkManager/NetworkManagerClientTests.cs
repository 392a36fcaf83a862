using System.Net;
using System.Text.Json;
using Gate.NetlinkCtl.Backends.NetworkManager.Bus;
using Gate.NetlinkCtl.Backends.NetworkManager.Profiles;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Backends.NetworkManager;

public sealed class NetworkManagerClientTests(NetworkManagerFixture fixture) : IClassFixture<NetworkManagerFixture>
{
    private static VxlanProfile Profile(string gate, string iface, uint vni, int mtu) => new(
        gate, iface, vni, IPAddress.Parse(NetworkManagerFixture.Local), NetworkManagerFixture.Underlay, 4789,
        new PortRange(4789, 4789), Learning: false, mtu,
        new[] { new InterfaceAddress(IPAddress.Parse("198.18.0.1"), 15) }.ToEquatableList(), 147, Autoconnect: true);

    [Fact]
    public async Task A_profile_added_over_dbus_is_read_back_unchanged_and_activates_as_the_device_it_describes()
    {
        await using var client = await NetworkManagerClient.ConnectAsync(fixture.NetworkManager.BusAddress, TestContext.Current.CancellationToken);
        var profile = Profile("client-a", "gca0", 10, 1400);

        var path = await client.AddProfileAsync(ProfileSettings.ToSettings(profile), TestContext.Current.CancellationToken);
        var stored = await client.FindProfileAsync(profile.Uuid, TestContext.Current.CancellationToken);
        var active = await client.ActivateAsync(path, TestContext.Current.CancellationToken);
        await WaitActivatedAsync(client, active);

        Assert.NotNull(stored);
        Assert.Equal(path, stored.Path);
        Assert.Equal(profile, ProfileSettings.FromSettings(stored.Settings));
        var link = await LinkAsync("gca0");
        var info = link.GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal(10, info.GetProperty("id").GetInt32());
        Assert.Equal(NetworkManagerFixture.Local, info.GetProperty("local").GetString());
        Assert.Equal(4789, info.GetProperty("port").GetInt32());
        Assert.Equal(4789, info.GetProperty("port_range").GetProperty("low").GetInt32());
        Assert.False(info.GetProperty("learning").GetBoolean());
        Assert.Equal(1400, link.GetProperty("mtu").GetInt32());
        var device = await client.FindDeviceAsync("gca0", TestContext.Current.CancellationToken);
        Assert.NotNull(device);
        Assert.True(device.Managed);
        Assert.Equal(NmDeviceState.Activated, device.State);
        Assert.Equal(active, device.ActiveConnection);
    }

    [Fact]
    public async Task Listing_profiles_finds_gatectls_profile_and_deleting_it_removes_the_device()
    {
        await using var client = await NetworkManagerClient.ConnectAsync(fixture.NetworkManager.BusAddress, TestContext.Current.CancellationToken);
        var profile = Profile("client-b", "gcb0", 11, 1380);
        var path = await client.AddProfileAsync(ProfileSettings.ToSettings(profile), TestContext.Current.CancellationToken);
        await WaitActivatedAsync(client, await client.ActivateAsync(path, TestContext.Current.CancellationToken));

        var listed = await client.ListProfilesAsync(TestContext.Current.CancellationToken);
        await client.DeleteProfileAsync(path, TestContext.Current.CancellationToken);

        Assert.Contains(listed, p => p.Path == path && p.Id == "gatectl-client-b" && p.Uuid == profile.Uuid.ToString());
        Assert.Null(await client.FindProfileAsync(profile.Uuid, TestContext.Current.CancellationToken));
        Assert.True(await Poll.UntilAsync(async () => !(await fixture.Namespace.IpAsync("-o", "link", "show")).Contains("gcb0", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_device_nobody_made_is_reported_as_absent()
    {
        await using var client = await NetworkManagerClient.ConnectAsync(fixture.NetworkManager.BusAddress, TestContext.Current.CancellationToken);

        Assert.Null(await client.FindDeviceAsync("gcnothere0", TestContext.Current.CancellationToken));
        var underlay = await client.FindDeviceAsync(NetworkManagerFixture.Underlay, TestContext.Current.CancellationToken);
        Assert.NotNull(underlay);
        Assert.True(underlay.Managed);
    }

    [Fact]
    public async Task A_keyfile_loaded_into_the_test_networkmanager_reads_back_with_networkmanagers_defaults()
    {
        var uuid = ProfileIdentity.UuidFor("keyfile");
        await fixture.NetworkManager.LoadKeyfileAsync("gatectl-keyfile.nmconnection", $"""
            [connection]
            id=gatectl-keyfile
            uuid={uuid}
            type=vxlan
            interface-name=gck0
            autoconnect=false

            [vxlan]
            id=31
            local=192.0.2.10
            parent=u0

            [ipv4]
            method=disabled

            [ipv6]
            method=disabled
            """);
        await using var client = await NetworkManagerClient.ConnectAsync(fixture.NetworkManager.BusAddress, TestContext.Current.CancellationToken);

        var stored = await client.FindProfileAsync(uuid, TestContext.Current.CancellationToken);

        Assert.NotNull(stored);
        var profile = ProfileSettings.FromSettings(stored.Settings);
        Assert.NotNull(profile);
        Assert.Equal(31u, profile.Vni);
        Assert.Equal((ushort)8472, profile.Port); // NetworkManager's default destination port, left out of GetSettings
        Assert.True(profile.Learning);
        Assert.False(profile.Autoconnect);
        Assert.Empty(profile.Addresses);
    }

    [Fact]
    public async Task Connecting_where_no_bus_listens_names_the_address_tried()
    {
        var address = $"unix:path={Path.Combine(Path.GetTempPath(), "gatectl-no-such-bus.sock")}";

        var error = await Assert.ThrowsAsync<NetworkManagerUnavailableException>(
            () => NetworkManagerClient.ConnectAsync(address, TestContext.Current.CancellationToken));

        Assert.Equal(address, error.BusAddress);
        Assert.Contains(address, error.Message, StringComparison.Ordinal);
        Assert.Contains("backend", error.Message, StringComparison.Ordinal);
    }

    private async Task<JsonElement> LinkAsync(string name)
    {
        var json = await fixture.Namespace.IpAsync("-d", "-j", "link", "show", "dev", name);
        return JsonDocument.Parse(json).RootElement[0];
    }

    private static async Task WaitActivatedAsync(NetworkManagerClient client, string activePath)
    {
        NmActiveConnectionState? state = null;
        Assert.True(
            await Poll.UntilAsync(async () =>
            {
                state = (await client.GetActiveConnectionAsync(activePath))?.State;
                return state == NmActiveConnectionState.Activated;
            }),
            $"active connection {activePath} did not reach 'activated' (last state {state})");
    }
}
