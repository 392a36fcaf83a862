using System.Net.Sockets;
using Gate.NetlinkCtl.Health;

namespace Gate.NetlinkCtl.Tests.Health;

/// <summary>Why no ICMP socket opened, named by its real cause: the unit's address-family filter, or the ping sysctl.</summary>
public sealed class IcmpRefusalTests
{
    [Fact]
    public void IPv4_sockets_refused_outright_name_the_units_address_family_filter_and_the_drop_in_not_the_sysctl()
    {
        var message = IcmpEchoSocket.Refusal(SocketError.AddressFamilyNotSupported, SocketError.AddressFamilyNotSupported, "0 2147483647");

        Assert.Contains("RestrictAddressFamilies=AF_NETLINK AF_UNIX AF_INET", message, StringComparison.Ordinal);
        Assert.Contains("IPAddressAllow=", message, StringComparison.Ordinal);
        Assert.Contains("gatectl.service.d/", message, StringComparison.Ordinal);
        Assert.DoesNotContain("ping_group_range", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_ping_socket_names_the_sysctl_its_value_and_the_raw_sockets_capability()
    {
        var message = IcmpEchoSocket.Refusal(SocketError.AccessDenied, SocketError.AccessDenied, "1 0");

        Assert.Contains("net.ipv4.ping_group_range, '1 0'", message, StringComparison.Ordinal);
        Assert.Contains("CAP_NET_RAW", message, StringComparison.Ordinal);
        Assert.DoesNotContain("RestrictAddressFamilies", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_refused_on_its_way_out_names_the_units_IP_address_filter_and_the_drop_in()
    {
        var message = IcmpEchoSocket.SendRefusal(System.Net.IPAddress.Parse("198.18.0.20"), SocketError.AccessDenied);

        Assert.Contains("cannot send ICMP echo to 198.18.0.20", message, StringComparison.Ordinal);
        Assert.Contains("IPAddressDeny=any", message, StringComparison.Ordinal);
        Assert.Contains("IPAddressAllow=", message, StringComparison.Ordinal);
        Assert.Contains("/etc/systemd/system/gatectl.service.d/health.conf", message, StringComparison.Ordinal);
        Assert.Contains("firewall", message, StringComparison.Ordinal);
    }
}
