namespace Gate.NetlinkCtl.Backends.NetworkManager.Bus;

/// <summary>Where the D-Bus system bus is: <c>DBUS_SYSTEM_BUS_ADDRESS</c> when set, the well-known socket otherwise.</summary>
internal static class SystemBus
{
    /// <summary>The system bus socket every D-Bus client uses when the environment names none.</summary>
    public const string DefaultAddress = "unix:path=/var/run/dbus/system_bus_socket";

    /// <summary>The environment variable that overrides <see cref="DefaultAddress"/>.</summary>
    public const string AddressVariable = "DBUS_SYSTEM_BUS_ADDRESS";

    /// <summary>The address to connect to, as the D-Bus specification resolves it.</summary>
    public static string Address =>
        Environment.GetEnvironmentVariable(AddressVariable) is { Length: > 0 } address ? address : DefaultAddress;
}
