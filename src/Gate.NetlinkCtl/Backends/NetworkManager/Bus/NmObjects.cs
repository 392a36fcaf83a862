namespace Gate.NetlinkCtl.Backends.NetworkManager.Bus;

/// <summary>A device as NetworkManager sees it.</summary>
/// <param name="Path">Its D-Bus object path.</param>
/// <param name="Interface">The kernel interface name.</param>
/// <param name="Managed">Whether NetworkManager manages it (false: it leaves the device alone).</param>
/// <param name="State">NetworkManager's device state.</param>
/// <param name="ActiveConnection">The object path of the active connection on it, or null when none.</param>
internal sealed record NmDevice(string Path, string Interface, bool Managed, NmDeviceState State, string? ActiveConnection);

/// <summary>A profile stored in NetworkManager's settings.</summary>
/// <param name="Path">Its D-Bus object path.</param>
/// <param name="Settings">Its settings, as <c>GetSettings</c> returned them.</param>
internal sealed record NmProfile(string Path, NmSettings Settings)
{
    /// <summary>The profile's <c>connection.id</c> (its name), or empty.</summary>
    public string Id => Settings.Get("connection", "id")?.GetString() ?? "";

    /// <summary>The profile's <c>connection.uuid</c>, or empty.</summary>
    public string Uuid => Settings.Get("connection", "uuid")?.GetString() ?? "";
}

/// <summary>A profile activated (or being activated) on a device.</summary>
/// <param name="Path">The active connection's object path.</param>
/// <param name="ProfilePath">The object path of the profile it was activated from.</param>
/// <param name="Uuid">That profile's UUID.</param>
/// <param name="State">How far activation got.</param>
internal sealed record NmActiveConnection(string Path, string ProfilePath, string Uuid, NmActiveConnectionState State);

/// <summary>NetworkManager's device states (<c>NMDeviceState</c>).</summary>
internal enum NmDeviceState : uint
{
    /// <summary>Unknown.</summary>
    Unknown = 0,

    /// <summary>NetworkManager does not manage the device.</summary>
    Unmanaged = 10,

    /// <summary>Managed but not ready (no carrier, missing firmware, ...).</summary>
    Unavailable = 20,

    /// <summary>Ready, nothing active.</summary>
    Disconnected = 30,

    /// <summary>Activation: preparing.</summary>
    Prepare = 40,

    /// <summary>Activation: configuring the device.</summary>
    Config = 50,

    /// <summary>Activation: waiting for secrets.</summary>
    NeedAuth = 60,

    /// <summary>Activation: configuring IP.</summary>
    IpConfig = 70,

    /// <summary>Activation: checking IP.</summary>
    IpCheck = 80,

    /// <summary>Activation: waiting for secondary connections.</summary>
    Secondaries = 90,

    /// <summary>Active.</summary>
    Activated = 100,

    /// <summary>Being deactivated.</summary>
    Deactivating = 110,

    /// <summary>Activation failed.</summary>
    Failed = 120,
}

/// <summary>NetworkManager's active connection states (<c>NMActiveConnectionState</c>).</summary>
internal enum NmActiveConnectionState : uint
{
    /// <summary>Unknown.</summary>
    Unknown = 0,

    /// <summary>Being activated.</summary>
    Activating = 1,

    /// <summary>Active.</summary>
    Activated = 2,

    /// <summary>Being deactivated.</summary>
    Deactivating = 3,

    /// <summary>No longer active.</summary>
    Deactivated = 4,
}
