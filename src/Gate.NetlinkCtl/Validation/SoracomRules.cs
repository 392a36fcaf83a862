using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// A gate's SORACOM API source: a VPG id safe in a URL and a file name, exactly one credentials source (an absolute
/// file or the environment), sane timeout and refresh interval; and the host's state directory is absolute.
/// </summary>
internal sealed class SoracomRules : IStateRule
{
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    public void Check(DesiredState state, RuleContext context)
    {
        if (!state.Host.StateDirectory.StartsWith('/'))
        {
            context.Report("host.stateDirectory", $"{StateText.Quote(state.Host.StateDirectory)} is not an absolute path; expected a directory such as /var/lib/gatectl");
        }

        for (var i = 0; i < state.Gates.Count; i++)
        {
            if (state.Gates[i].Soracom is not { } soracom)
            {
                continue;
            }

            var path = StatePath.Key(StatePath.Gate(i), "soracom");
            if (!IsVpgId(soracom.VpgId))
            {
                context.Report(StatePath.Key(path, "vpgId"),
                    $"{StateText.Quote(soracom.VpgId)} is not a VPG id; expected letters, digits, '-' and '_' only (1..64), such as vpg-abcd1234");
            }

            CheckCredentials(soracom.Credentials, StatePath.Key(path, "credentials"), context);
            if (soracom.Timeout < StateLimits.MinReconcileInterval || soracom.Timeout > MaxTimeout)
            {
                context.Report(StatePath.Key(path, "timeout"), $"{DurationText.Format(soracom.Timeout)} is out of range; expected a duration from 1s to 60s, such as 10s");
            }

            if (soracom.RefreshInterval < StateLimits.MinReconcileInterval || soracom.RefreshInterval > StateLimits.MaxReconcileInterval)
            {
                context.Report(StatePath.Key(path, "refreshInterval"), $"{DurationText.Format(soracom.RefreshInterval)} is out of range; expected a duration from 1s to 24h, such as 1m");
            }
        }
    }

    private static void CheckCredentials(SoracomCredentialsSource credentials, string path, RuleContext context)
    {
        if (credentials.File is not null && credentials.Environment)
        {
            context.Report(path, "both file and env are given; expected one source of credentials: {file: PATH} or {env: true}");
        }
        else if (credentials.File is null && !credentials.Environment)
        {
            context.Report(path, "no source of credentials; expected {file: /etc/gatectl/soracom.json} (mode 0600) or {env: true}");
        }
        else if (credentials.File is { } file && !file.StartsWith('/'))
        {
            context.Report(StatePath.Key(path, "file"), $"{StateText.Quote(file)} is not an absolute path; expected a path such as /etc/gatectl/soracom.json");
        }
    }

    // The id goes into the API's path and the cache's file name: nothing that could leave either.
    private static bool IsVpgId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
