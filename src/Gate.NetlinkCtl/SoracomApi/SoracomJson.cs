using System.Text.Json.Serialization;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary><c>POST /v1/auth</c>'s body: the auth key. Never logged.</summary>
internal sealed record AuthRequest(string AuthKeyId, string AuthKey);

/// <summary><c>POST /v1/auth</c>'s reply: what later requests send as <c>X-Soracom-API-Key</c> and <c>X-Soracom-Token</c>.</summary>
internal sealed record AuthReply(string? ApiKey, string? Token, string? OperatorId);

/// <summary>One <c>GatePeer</c> as the API writes it.</summary>
internal sealed record GatePeerJson(string? OuterIpAddress, string? InnerIpAddress, int? Netmask, bool? OwnedByCustomer);

/// <summary><c>POST .../gate/peers</c>'s body.</summary>
internal sealed record RegisterPeerRequest(string OuterIpAddress, string? InnerIpAddress);

/// <summary>A credentials file: the auth key id and secret.</summary>
internal sealed record CredentialsFileJson(string? AuthKeyId, string? AuthKey);

/// <summary>The cache file of one VPG: its last good Gate peers list and when it was fetched.</summary>
internal sealed record CachedPeersJson(string VpgId, DateTimeOffset FetchedAt, IReadOnlyList<GatePeerJson> Peers);

/// <summary>Source-generated JSON for the SORACOM API and the cache (no reflection, so native AOT works).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuthRequest))]
[JsonSerializable(typeof(AuthReply))]
[JsonSerializable(typeof(List<GatePeerJson>))]
[JsonSerializable(typeof(GatePeerJson))]
[JsonSerializable(typeof(RegisterPeerRequest))]
[JsonSerializable(typeof(CredentialsFileJson))]
[JsonSerializable(typeof(CachedPeersJson))]
internal sealed partial class SoracomJsonContext : JsonSerializerContext;
