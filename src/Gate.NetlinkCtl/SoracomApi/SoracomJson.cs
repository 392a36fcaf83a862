using System.Text.Json.Serialization;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary><c>POST /v1/auth</c>'s body (<c>AuthRequest</c>): the auth key and the token's life. Never logged.</summary>
internal sealed record AuthRequest(string AuthKeyId, string AuthKey, long TokenTimeoutSeconds);

/// <summary><c>POST /v1/auth</c>'s reply (<c>AuthResponse</c>): what later requests send as <c>X-Soracom-API-Key</c> and <c>X-Soracom-Token</c>.</summary>
internal sealed record AuthReply(string? ApiKey, string? Token, string? OperatorId);

/// <summary>One <c>GatePeer</c> as the spec types it: every field optional, <c>netmask</c> a string gatectl reads and ignores.</summary>
internal sealed record GatePeerJson(string? OuterIpAddress, string? InnerIpAddress, string? Netmask, bool? OwnedByCustomer);

/// <summary>The fields of a <c>VirtualPrivateGateway</c> gatectl checks (<c>gateVxlanId</c> is a number in the spec).</summary>
internal sealed record VirtualPrivateGatewayJson(string? VpgId, string? Status, bool? GateOpened, double? GateVxlanId, string? DeviceSubnetCidrRange);

/// <summary><c>APICallErrorMessage</c>: the body of every error answer.</summary>
internal sealed record ApiErrorJson(string? Code, string? Message);

/// <summary><c>POST .../gate/peers</c>'s body (<c>RegisterGatePeerRequest</c>).</summary>
internal sealed record RegisterPeerRequest(string OuterIpAddress, string? InnerIpAddress);

/// <summary>A credentials file: the auth key id and secret.</summary>
internal sealed record CredentialsFileJson(string? AuthKeyId, string? AuthKey);

/// <summary>The cache file of one VPG: its last good Gate peers list (and the VPG's Gate settings) and when it was fetched.</summary>
internal sealed record CachedPeersJson(string VpgId, DateTimeOffset FetchedAt, IReadOnlyList<GatePeerJson> Peers, VirtualPrivateGatewayJson? Vpg = null);

/// <summary>A kept session of a one-shot command (mode 0600): reused until shortly before it expires.</summary>
internal sealed record SessionFileJson(string ApiKey, string Token, DateTimeOffset ExpiresAt);

/// <summary>Source-generated JSON for the SORACOM API and the cache (no reflection, so native AOT works).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuthRequest))]
[JsonSerializable(typeof(AuthReply))]
[JsonSerializable(typeof(List<GatePeerJson>))]
[JsonSerializable(typeof(GatePeerJson))]
[JsonSerializable(typeof(VirtualPrivateGatewayJson))]
[JsonSerializable(typeof(ApiErrorJson))]
[JsonSerializable(typeof(RegisterPeerRequest))]
[JsonSerializable(typeof(CredentialsFileJson))]
[JsonSerializable(typeof(CachedPeersJson))]
[JsonSerializable(typeof(SessionFileJson))]
internal sealed partial class SoracomJsonContext : JsonSerializerContext;
