using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>One change request: writes its message and says in words what it asks (for error messages).</summary>
internal interface IRtnlRequest
{
    void Write(ref NetlinkWriter writer);

    string Describe();
}

/// <summary>An FDB change (<c>bridge fdb add|append|replace|del</c>).</summary>
internal sealed record FdbRequest(ushort Type, ushort Flags, string Verb, FdbEntry Entry) : IRtnlRequest
{
    public static FdbRequest Add(FdbEntry e) => new(RtmType.NewNeigh, NlmFlags.Create | NlmFlags.Excl, "add", Checked(e));

    public static FdbRequest Append(FdbEntry e) => new(RtmType.NewNeigh, NlmFlags.Create | NlmFlags.Append, "append", Checked(e));

    public static FdbRequest Replace(FdbEntry e) => new(RtmType.NewNeigh, NlmFlags.Create | NlmFlags.Replace, "replace", Checked(e));

    public static FdbRequest Delete(FdbEntry e) => new(RtmType.DelNeigh, 0, "del", Checked(e));

    public void Write(ref NetlinkWriter writer) => NeighbourCodec.WriteFdb(ref writer, Type, Flags, Entry);

    public string Describe() => $"{RtmType.Name(Type)} {Entry} (bridge fdb {Verb})";

    private static FdbEntry Checked(FdbEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e;
    }
}

/// <summary>An IP neighbour change (<c>ip neigh add|replace|del</c>).</summary>
internal sealed record NeighbourRequest(ushort Type, ushort Flags, string Verb, Neighbour Neighbour) : IRtnlRequest
{
    public static NeighbourRequest Add(Neighbour n) => new(RtmType.NewNeigh, NlmFlags.Create | NlmFlags.Excl, "add", Checked(n));

    public static NeighbourRequest Replace(Neighbour n) => new(RtmType.NewNeigh, NlmFlags.Create | NlmFlags.Replace, "replace", Checked(n));

    public static NeighbourRequest Delete(Neighbour n) => new(RtmType.DelNeigh, 0, "del", Checked(n));

    public void Write(ref NetlinkWriter writer) => NeighbourCodec.WriteNeighbour(ref writer, Type, Flags, Neighbour);

    public string Describe() => $"{RtmType.Name(Type)} {Neighbour} (ip neigh {Verb})";

    private static Neighbour Checked(Neighbour n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return n;
    }
}

/// <summary>An IPv4 route change (<c>ip route add|replace|del</c>).</summary>
internal sealed record RouteRequest(ushort Type, ushort Flags, string Verb, Ipv4Route Route) : IRtnlRequest
{
    public static RouteRequest Add(Ipv4Route r) => new(RtmType.NewRoute, NlmFlags.Create | NlmFlags.Excl, "add", Checked(r));

    public static RouteRequest Replace(Ipv4Route r) => new(RtmType.NewRoute, NlmFlags.Create | NlmFlags.Replace, "replace", Checked(r));

    public static RouteRequest Delete(Ipv4Route r) => new(RtmType.DelRoute, 0, "del", Checked(r));

    public void Write(ref NetlinkWriter writer)
    {
        if (Type == RtmType.DelRoute)
        {
            RouteCodec.WriteDelete(ref writer, Route);
        }
        else
        {
            RouteCodec.WriteNew(ref writer, Flags, Route);
        }
    }

    public string Describe() => $"{RtmType.Name(Type)} {Route} (ip route {Verb})";

    private static Ipv4Route Checked(Ipv4Route r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r;
    }
}

/// <summary>An address change (<c>ip addr add|replace|del</c>).</summary>
internal sealed record AddressRequest(ushort Type, ushort Flags, string Verb, LinkAddress Address) : IRtnlRequest
{
    public static AddressRequest Add(LinkAddress a) => new(RtmType.NewAddr, NlmFlags.Create | NlmFlags.Excl, "add", Checked(a));

    public static AddressRequest Replace(LinkAddress a) => new(RtmType.NewAddr, NlmFlags.Create | NlmFlags.Replace, "replace", Checked(a));

    public static AddressRequest Delete(LinkAddress a) => new(RtmType.DelAddr, 0, "del", Checked(a));

    public void Write(ref NetlinkWriter writer) => AddressCodec.Write(ref writer, Type, Flags, Address);

    public string Describe() => $"{RtmType.Name(Type)} {Address} (ip addr {Verb})";

    private static LinkAddress Checked(LinkAddress a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a;
    }
}
