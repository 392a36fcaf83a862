using System.Net;
using Gate.NetlinkCtl.Backends.NetworkManager.Bus;
using Gate.NetlinkCtl.Backends.NetworkManager.Profiles;
using Gate.NetlinkCtl.State;
using Tmds.DBus.Protocol;

namespace Gate.NetlinkCtl.Tests.Backends.NetworkManager;

public class ProfileSettingsTests
{
    private static readonly VxlanProfile Gate0 = new(
        "tokyo", "gate0", 10, IPAddress.Parse("192.0.2.10"), "eth0", 4789, new PortRange(4789, 4789), Learning: false, 1450,
        new[] { new InterfaceAddress(IPAddress.Parse("198.18.0.254"), 15) }.ToEquatableList(), 147, Autoconnect: true);

    [Fact]
    public void A_profile_carries_every_vxlan_attribute_under_the_names_networkmanager_reads()
    {
        var settings = ProfileSettings.ToSettings(Gate0);

        Assert.Equal("gatectl-tokyo", settings.Get("connection", "id")?.GetString());
        Assert.Equal(ProfileIdentity.UuidFor("tokyo").ToString(), settings.Get("connection", "uuid")?.GetString());
        Assert.Equal("vxlan", settings.Get("connection", "type")?.GetString());
        Assert.Equal("gate0", settings.Get("connection", "interface-name")?.GetString());
        Assert.True(settings.Get("connection", "autoconnect")?.GetBool());
        Assert.Equal(10u, settings.Get("vxlan", "id")?.GetUInt32());
        Assert.Equal("192.0.2.10", settings.Get("vxlan", "local")?.GetString());
        Assert.Equal("eth0", settings.Get("vxlan", "parent")?.GetString());
        Assert.Equal(4789u, settings.Get("vxlan", "destination-port")?.GetUInt32());
        Assert.Equal(4789u, settings.Get("vxlan", "source-port-min")?.GetUInt32());
        // The kernel's half-open form: 4789-4789 inclusive pins port 4789.
        Assert.Equal(4790u, settings.Get("vxlan", "source-port-max")?.GetUInt32());
        Assert.False(settings.Get("vxlan", "learning")?.GetBool());
        Assert.Equal(1450u, settings.Get("802-3-ethernet", "mtu")?.GetUInt32());
        Assert.Equal("manual", settings.Get("ipv4", "method")?.GetString());
        Assert.Equal(147L, settings.Get("ipv4", "route-metric")?.GetInt64());
        Assert.Equal("disabled", settings.Get("ipv6", "method")?.GetString());
        var address = settings.Get("ipv4", "address-data")!.Value.GetItem(0).GetDictionary<string, VariantValue>();
        Assert.Equal("198.18.0.254", address["address"].GetString());
        Assert.Equal(15u, address["prefix"].GetUInt32());
    }

    [Fact]
    public void Reading_back_what_was_written_gives_the_same_profile() =>
        Assert.Equal(Gate0, ProfileSettings.FromSettings(ProfileSettings.ToSettings(Gate0)));

    [Fact]
    public void A_gate_without_an_address_gets_ipv4_disabled_because_manual_needs_one()
    {
        var bare = Gate0 with { Addresses = EquatableList<InterfaceAddress>.Empty };

        var settings = ProfileSettings.ToSettings(bare);

        Assert.Equal("disabled", settings.Get("ipv4", "method")?.GetString());
        Assert.Null(settings.Get("ipv4", "address-data"));
        Assert.Equal(bare, ProfileSettings.FromSettings(settings));
    }

    [Fact]
    public void Properties_networkmanager_leaves_out_read_as_its_documented_defaults()
    {
        // What GetSettings returns for `nmcli con add type vxlan ... vxlan.id 10` with everything else default.
        var uuid = ProfileIdentity.UuidFor("tokyo").ToString();
        var settings = new NmSettings()
            .Set("connection", "id", "gatectl-tokyo")
            .Set("connection", "uuid", uuid)
            .Set("connection", "type", "vxlan")
            .Set("connection", "interface-name", "gate0")
            .Set("vxlan", "id", 10u)
            .Set("ipv4", "method", "auto");

        var profile = ProfileSettings.FromSettings(settings);

        Assert.NotNull(profile);
        Assert.Equal((ushort)8472, profile.Port);
        Assert.Equal(new PortRange(0, 0), profile.SourcePorts);
        Assert.True(profile.Learning);
        Assert.Equal(0, profile.Mtu);
        Assert.Equal(-1, profile.RouteMetric);
        Assert.True(profile.Autoconnect);
        Assert.Null(profile.Local);
        Assert.Null(profile.Underlay);
        Assert.Empty(profile.Addresses);
    }

    [Theory]
    [InlineData("gatectl-tokyo", "tokyo", "vxlan")]
    [InlineData("gatectl-tokyo", "osaka", "vxlan")]
    [InlineData("tokyo", "tokyo", "vxlan")]
    [InlineData("gatectl-tokyo", "tokyo", "802-3-ethernet")]
    public void A_profile_without_both_of_gatectls_marks_or_of_another_type_is_not_gatectls(string id, string uuidOf, string type)
    {
        var expectedOwned = id == "gatectl-tokyo" && uuidOf == "tokyo" && type == "vxlan";
        var settings = ProfileSettings.ToSettings(Gate0)
            .Set("connection", "id", id)
            .Set("connection", "uuid", ProfileIdentity.UuidFor(uuidOf).ToString())
            .Set("connection", "type", type);

        Assert.Equal(expectedOwned, ProfileSettings.FromSettings(settings) is not null);
    }

    [Fact]
    public void A_gates_uuid_is_a_stable_version_5_uuid_that_differs_between_gates()
    {
        var tokyo = ProfileIdentity.UuidFor("tokyo");

        Assert.Equal(tokyo, ProfileIdentity.UuidFor("tokyo"));
        Assert.NotEqual(tokyo, ProfileIdentity.UuidFor("osaka"));
        Assert.Equal(5, tokyo.Version);
        Assert.Contains(tokyo.ToString()[19], "89ab"); // RFC 9562 variant bits
        Assert.Equal("tokyo", ProfileIdentity.GateOf("gatectl-tokyo", tokyo.ToString()));
        Assert.Null(ProfileIdentity.GateOf("gatectl-tokyo", Guid.NewGuid().ToString()));
    }

    [Theory]
    [InlineData(nameof(VxlanProfile.Vni))]
    [InlineData(nameof(VxlanProfile.Local))]
    [InlineData(nameof(VxlanProfile.Underlay))]
    [InlineData(nameof(VxlanProfile.Port))]
    [InlineData(nameof(VxlanProfile.SourcePorts))]
    [InlineData(nameof(VxlanProfile.Learning))]
    public void A_change_the_kernel_cannot_make_in_place_needs_a_new_device(string attribute)
    {
        var changed = attribute switch
        {
            nameof(VxlanProfile.Vni) => Gate0 with { Vni = 11 },
            nameof(VxlanProfile.Local) => Gate0 with { Local = IPAddress.Parse("192.0.2.11") },
            nameof(VxlanProfile.Underlay) => Gate0 with { Underlay = "eth1" },
            nameof(VxlanProfile.Port) => Gate0 with { Port = 8472 },
            nameof(VxlanProfile.SourcePorts) => Gate0 with { SourcePorts = new PortRange(0, 0) },
            _ => Gate0 with { Learning = true },
        };

        Assert.True(changed.NeedsNewDeviceComparedTo(Gate0));
    }

    [Fact]
    public void Mtu_and_addresses_change_without_a_new_device()
    {
        var changed = Gate0 with
        {
            Mtu = 1400,
            Addresses = new[] { new InterfaceAddress(IPAddress.Parse("198.18.0.253"), 15) }.ToEquatableList(),
        };

        Assert.False(changed.NeedsNewDeviceComparedTo(Gate0));
    }
}
