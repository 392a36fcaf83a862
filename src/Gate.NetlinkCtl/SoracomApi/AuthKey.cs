using System.Text.Json;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>A SORACOM auth key. <see cref="ToString"/> shows the id's first characters only, so a stray log line leaks nothing.</summary>
/// <param name="Id">The auth key id (<c>keyId-...</c>).</param>
/// <param name="Secret">The auth key secret (<c>secret-...</c>).</param>
internal sealed record AuthKey(string Id, string Secret)
{
    /// <inheritdoc />
    public override string ToString() => $"AuthKey({(Id.Length > 8 ? Id[..8] : "")}..., secret hidden)";
}

/// <summary>
/// Reads the auth key from where the state file says: a JSON file that only its owner may read (mode 0600 or
/// narrower; anything broader is refused, as ssh refuses a readable private key), or the environment.
/// </summary>
internal static class CredentialsReader
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Reads the key; <paramref name="environment"/> looks up variables (the process's by default).</summary>
    /// <exception cref="SoracomApiException">With <see cref="SoracomFailure.Credentials"/>: missing, unreadable, too open or incomplete.</exception>
    public static AuthKey Read(SoracomCredentialsSource source, Func<string, string?>? environment = null)
    {
        if (source.File is { } file)
        {
            return ReadFile(file);
        }

        var lookup = environment ?? Environment.GetEnvironmentVariable;
        var id = lookup(SoracomCredentialsSource.KeyIdVariable);
        var secret = lookup(SoracomCredentialsSource.KeyVariable);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
        {
            throw new SoracomApiException(SoracomFailure.Credentials,
                $"credentials: {SoracomCredentialsSource.KeyIdVariable} and {SoracomCredentialsSource.KeyVariable} must both be set in gatectl's environment "
                + "(for the daemon: an EnvironmentFile= of mode 0600 in a drop-in of gatectl.service)");
        }

        return new AuthKey(id, secret);
    }

    private static AuthKey ReadFile(string file)
    {
        string text;
        try
        {
            var mode = OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(file);
            if ((mode & GroupOrOther) != 0)
            {
                throw new SoracomApiException(SoracomFailure.Credentials,
                    $"credentials file {file} has mode {ModeText(mode)}, readable by others; expected 0600 or narrower: chmod 600 {file}");
            }

            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            throw new SoracomApiException(SoracomFailure.Credentials, $"cannot read credentials file {file}: {why}", e);
        }

        CredentialsFileJson? json;
        try
        {
            json = JsonSerializer.Deserialize(text, SoracomJsonContext.Default.CredentialsFileJson);
        }
        catch (JsonException)
        {
            // The parser's message may quote the file's content: say where, not what.
            throw new SoracomApiException(SoracomFailure.Credentials,
                $"credentials file {file} is not JSON; expected {{\"authKeyId\": \"keyId-...\", \"authKey\": \"secret-...\"}}");
        }

        if (string.IsNullOrEmpty(json?.AuthKeyId) || string.IsNullOrEmpty(json.AuthKey))
        {
            throw new SoracomApiException(SoracomFailure.Credentials,
                $"credentials file {file} lacks authKeyId or authKey; expected {{\"authKeyId\": \"keyId-...\", \"authKey\": \"secret-...\"}}");
        }

        return new AuthKey(json.AuthKeyId, json.AuthKey);
    }

    private static string ModeText(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);
}
