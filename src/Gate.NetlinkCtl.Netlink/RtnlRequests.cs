using Gate.NetlinkCtl.Netlink.Wire;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>One change request: writes its message and says in words what it asks (for error messages).</summary>
internal interface IRtnlRequest
{
    void Write(ref NetlinkWriter writer);

    string Describe();
}

/// <summary>Writes one object's change message: header type and flags, then the object's own fields.</summary>
internal delegate void RtnlChangeWriter<in T>(ref NetlinkWriter writer, ushort type, ushort flags, T subject);

/// <summary>
/// A kind of kernel object that changes by the same four verbs: its new/delete message types, its codec, and the
/// iproute2 command it mirrors (named in error messages so a person can repeat the request by hand).
/// </summary>
internal sealed class RtnlObjectKind<T>(ushort newType, ushort deleteType, string command, RtnlChangeWriter<T> write)
    where T : class
{
    public IRtnlRequest Add(T subject) => Request(newType, NlmFlags.Create | NlmFlags.Excl, "add", subject);

    public IRtnlRequest Append(T subject) => Request(newType, NlmFlags.Create | NlmFlags.Append, "append", subject);

    public IRtnlRequest Replace(T subject) => Request(newType, NlmFlags.Create | NlmFlags.Replace, "replace", subject);

    public IRtnlRequest Delete(T subject) => Request(deleteType, 0, "del", subject);

    private RtnlChangeRequest<T> Request(ushort type, ushort flags, string verb, T subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return new RtnlChangeRequest<T>(type, flags, $"{command} {verb}", subject, write);
    }
}

/// <summary>One object change, as <see cref="RtnlObjectKind{T}"/> builds it.</summary>
internal sealed record RtnlChangeRequest<T>(ushort Type, ushort Flags, string Command, T Subject, RtnlChangeWriter<T> Writer)
    : IRtnlRequest
{
    public void Write(ref NetlinkWriter writer) => Writer(ref writer, Type, Flags, Subject);

    public string Describe() => $"{RtmType.Name(Type)} {Subject} ({Command})";
}

/// <summary>The object kinds gatectl changes, each with its codec.</summary>
internal static class RtnlRequests
{
    /// <summary>FDB entries (<c>bridge fdb add|append|replace|del</c>).</summary>
    public static readonly RtnlObjectKind<FdbEntry> Fdb = new(RtmType.NewNeigh, RtmType.DelNeigh, "bridge fdb", NeighbourCodec.WriteFdb);

    /// <summary>IP neighbours (<c>ip neigh add|replace|del</c>).</summary>
    public static readonly RtnlObjectKind<Neighbour> Neighbour = new(RtmType.NewNeigh, RtmType.DelNeigh, "ip neigh", NeighbourCodec.WriteNeighbour);

    /// <summary>IPv4 routes (<c>ip route add|replace|del</c>); a delete names only the route's key.</summary>
    public static readonly RtnlObjectKind<Ipv4Route> Route = new(RtmType.NewRoute, RtmType.DelRoute, "ip route", WriteRoute);

    /// <summary>Interface addresses (<c>ip addr add|replace|del</c>).</summary>
    public static readonly RtnlObjectKind<LinkAddress> Address = new(RtmType.NewAddr, RtmType.DelAddr, "ip addr", AddressCodec.Write);

    private static void WriteRoute(ref NetlinkWriter writer, ushort type, ushort flags, Ipv4Route route)
    {
        if (type == RtmType.DelRoute)
        {
            RouteCodec.WriteDelete(ref writer, route);
        }
        else
        {
            RouteCodec.WriteNew(ref writer, flags, route);
        }
    }
}
