namespace Gate.NetlinkCtl.Backends.NetworkManager.Bus;

/// <summary>The part of NetworkManager's D-Bus API gatectl uses: devices, stored profiles, activation.</summary>
internal interface INetworkManager : IAsyncDisposable
{
    /// <summary>The bus address this client talks to (for messages).</summary>
    string BusAddress { get; }

    /// <summary>The process id of the NetworkManager that owns the bus name (from the bus daemon).</summary>
    Task<int> GetProcessIdAsync(CancellationToken cancellationToken = default);

    /// <summary>NetworkManager's version (<c>Version</c> property).</summary>
    Task<string> GetVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>The device with this interface name, or null when NetworkManager knows none (<c>GetDeviceByIpIface</c>).</summary>
    Task<NmDevice?> FindDeviceAsync(string interfaceName, CancellationToken cancellationToken = default);

    /// <summary>Every stored profile with its settings (<c>ListConnections</c> and <c>GetSettings</c>).</summary>
    Task<IReadOnlyList<NmProfile>> ListProfilesAsync(CancellationToken cancellationToken = default);

    /// <summary>The profile with this UUID, or null when there is none (<c>GetConnectionByUuid</c>).</summary>
    Task<NmProfile?> FindProfileAsync(Guid uuid, CancellationToken cancellationToken = default);

    /// <summary>Stores a new profile on disk and returns its object path (<c>AddConnection</c>).</summary>
    Task<string> AddProfileAsync(NmSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Replaces a profile's settings and saves them (<c>Update</c>); an active device keeps the old ones until reactivated.</summary>
    Task UpdateProfileAsync(string profilePath, NmSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Deletes a profile (<c>Delete</c>); NetworkManager takes down a device it made for it.</summary>
    Task DeleteProfileAsync(string profilePath, CancellationToken cancellationToken = default);

    /// <summary>Activates a profile, on the device NetworkManager picks or makes, and returns the active connection's path.</summary>
    Task<string> ActivateAsync(string profilePath, CancellationToken cancellationToken = default);

    /// <summary>Deactivates an active connection (<c>DeactivateConnection</c>).</summary>
    Task DeactivateAsync(string activeConnectionPath, CancellationToken cancellationToken = default);

    /// <summary>An active connection's state, or null when it is gone.</summary>
    Task<NmActiveConnection?> GetActiveConnectionAsync(string activeConnectionPath, CancellationToken cancellationToken = default);
}
