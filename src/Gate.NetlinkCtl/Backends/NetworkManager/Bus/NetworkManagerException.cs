namespace Gate.NetlinkCtl.Backends.NetworkManager.Bus;

/// <summary>A NetworkManager D-Bus call failed; the message names the call, the object and what NetworkManager said.</summary>
internal class NetworkManagerException : GatectlException
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    public NetworkManagerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The D-Bus error name NetworkManager replied with, when it replied with one.</summary>
    public string? ErrorName { get; init; }
}

/// <summary>NetworkManager cannot be reached: the bus is not there, or nothing owns NetworkManager's name on it.</summary>
internal sealed class NetworkManagerUnavailableException : NetworkManagerException
{
    /// <summary>Creates the exception; the message names the bus address tried and what went wrong.</summary>
    public NetworkManagerUnavailableException(string busAddress, string reason, Exception? innerException = null)
        : base($"NetworkManager is not reachable on the system bus at '{busAddress}': {reason}. " +
               "Start NetworkManager (systemctl start NetworkManager), point DBUS_SYSTEM_BUS_ADDRESS at its bus, " +
               "or set host.backend to netlink (or auto) in the state file.", innerException)
    {
        BusAddress = busAddress;
        Subject = busAddress;
        Reason = reason;
    }

    /// <summary>The D-Bus address that was tried.</summary>
    public string BusAddress { get; }

    /// <summary>Why it failed, without the advice.</summary>
    public string Reason { get; }
}
