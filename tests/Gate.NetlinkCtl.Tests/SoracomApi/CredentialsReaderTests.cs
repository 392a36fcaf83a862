using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.SoracomApi;

/// <summary>Credentials come from a file only its owner can read, or the environment; errors never show the secret.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CredentialsReaderTests : IDisposable
{
    private const string Secret = "secret-Hq7VtT2mXy9pLk3N";
    private readonly string _directory = Directory.CreateTempSubdirectory("gatectl-cred-").FullName;

    [Fact]
    public void A_file_with_mode_0600_is_read()
    {
        var file = Write("""{"authKeyId": "keyId-abc123456", "authKey": "secret-Hq7VtT2mXy9pLk3N"}""", UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var key = CredentialsReader.Read(new SoracomCredentialsSource(file, false));

        Assert.Equal(new AuthKey("keyId-abc123456", Secret), key);
        Assert.DoesNotContain(Secret, key.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, "0640")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    public void A_file_others_may_read_is_refused_saying_how_to_fix_it(UnixFileMode mode, string octal)
    {
        var file = Write("""{"authKeyId": "keyId-abc123456", "authKey": "secret-Hq7VtT2mXy9pLk3N"}""", mode);

        var error = Assert.Throws<SoracomApiException>(() => CredentialsReader.Read(new SoracomCredentialsSource(file, false)));

        Assert.Equal(SoracomFailure.Credentials, error.Failure);
        Assert.Equal($"credentials file {file} has mode {octal}, readable by others; expected 0600 or narrower: chmod 600 {file}", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_JSON_is_refused_without_quoting_it()
    {
        var file = Write("authKey=secret-Hq7VtT2mXy9pLk3N", UnixFileMode.UserRead);

        var error = Assert.Throws<SoracomApiException>(() => CredentialsReader.Read(new SoracomCredentialsSource(file, false)));

        Assert.Contains("is not JSON", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var file = Path.Combine(_directory, "none.json");

        var error = Assert.Throws<SoracomApiException>(() => CredentialsReader.Read(new SoracomCredentialsSource(file, false)));

        Assert.Equal($"cannot read credentials file {file}: no such file", error.Message);
    }

    [Fact]
    public void The_environment_gives_both_values_or_the_error_names_both_variables()
    {
        var both = new Dictionary<string, string?> { ["SORACOM_AUTH_KEY_ID"] = "keyId-env1234567", ["SORACOM_AUTH_KEY"] = Secret };
        var half = new Dictionary<string, string?> { ["SORACOM_AUTH_KEY_ID"] = "keyId-env1234567" };

        Assert.Equal(new AuthKey("keyId-env1234567", Secret), CredentialsReader.Read(new SoracomCredentialsSource(null, true), both.GetValueOrDefault));
        var error = Assert.Throws<SoracomApiException>(() => CredentialsReader.Read(new SoracomCredentialsSource(null, true), half.GetValueOrDefault));
        Assert.Contains("SORACOM_AUTH_KEY_ID and SORACOM_AUTH_KEY must both be set", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string content, UnixFileMode mode)
    {
        var file = Path.Combine(_directory, "soracom.json");
        File.WriteAllText(file, content);
        File.SetUnixFileMode(file, mode);
        return file;
    }
}
